from django.urls import path

from attachments import views

urlpatterns = [
    path("attachments/<slug:target>/<int:pk>/", views.attachment_list, name="attachment-list"),
    path(
        "attachments/<slug:target>/<int:pk>/new/",
        views.attachment_upload,
        name="attachment-upload",
    ),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("public/attachments/<int:pk>/", views.public_download, name="public-attachment"),
]
