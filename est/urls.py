from django.urls import path

from est.views import meetings, picture, reports

P = "municipalities/<str:code>/est/"

urlpatterns = [
    path(P, picture.picture_page, name="est-picture"),
    path(P + "export/", picture.picture_export, name="est-picture-export"),
    path(P + "places/", picture.place_list, name="est-place-list"),
    path(P + "places/new/", picture.place_create, name="est-place-create"),
    path("est/places/<int:pk>/edit/", picture.place_edit, name="est-place-edit"),
    path("est/places/<int:pk>/delete/", picture.place_delete, name="est-place-delete"),
    path(P + "categories/", picture.category_list, name="est-category-list"),
    path("est/categories/<int:pk>/delete/", picture.category_delete, name="est-category-delete"),
    path("est/categories/<int:pk>/in-use/", picture.category_in_use, name="est-category-in-use"),
    path(P + "reports/", reports.report_list, name="est-report-list"),
    path(P + "reports/new/", reports.report_create, name="est-report-create"),
    path(P + "reports/import/", reports.report_import, name="est-report-import"),
    path(P + "checklist/", reports.checklist, name="est-checklist"),
    path("est/reports/<int:pk>/edit/", reports.report_edit, name="est-report-edit"),
    path("est/reports/<int:pk>/delete/", reports.report_delete, name="est-report-delete"),
    path(P + "meetings/", meetings.meeting_list, name="est-meeting-list"),
    path(P + "meetings/new/", meetings.meeting_create, name="est-meeting-create"),
    path("est/meetings/<int:pk>/", meetings.meeting_detail, name="est-meeting-detail"),
    path("est/meetings/<int:pk>/edit/", meetings.meeting_edit, name="est-meeting-edit"),
    path("est/meetings/<int:pk>/delete/", meetings.meeting_delete, name="est-meeting-delete"),
    path("est/meetings/<int:pk>/measures/new/", meetings.measure_create, name="est-measure-create"),
    path(
        "est/measures/<int:pk>/follow-up/", meetings.measure_follow_up, name="est-measure-follow-up"
    ),
    path("est/measures/<int:pk>/delete/", meetings.measure_delete, name="est-measure-delete"),
    path(P + "tertials/new/", meetings.tertial_create, name="est-tertial-create"),
    path("est/tertials/<int:pk>/", meetings.tertial_detail, name="est-tertial-detail"),
    path("est/tertials/<int:pk>/edit/", meetings.tertial_edit, name="est-tertial-edit"),
]
