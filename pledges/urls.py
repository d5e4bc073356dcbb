from django.urls import path

from pledges.views import activities, editor, public, review

urlpatterns = [
    # editor
    path("municipalities/<str:code>/pledges/", editor.pledge_list, name="pledge-list"),
    path("municipalities/<str:code>/pledges/new/", editor.pledge_create, name="pledge-create"),
    path("pledges/<int:pk>/", editor.pledge_detail, name="pledge-detail"),
    path("pledges/shared/<int:pk>/", editor.pledge_shared_version, name="pledge-shared-version"),
    path("pledges/<int:pk>/sections/<slug:section>/", editor.pledge_section, name="pledge-section"),
    path("pledges/<int:pk>/dialogues/new/", editor.dialogue_create, name="dialogue-create"),
    path("dialogues/<int:pk>/delete/", editor.dialogue_delete, name="dialogue-delete"),
    path("pledges/<int:pk>/activities/new/", activities.activity_create, name="activity-create"),
    path("activities/<int:pk>/", activities.activity_row, name="activity-row"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity-delete"),
    path("activities/<int:pk>/restore/", activities.activity_restore, name="activity-restore"),
    path("activities/<int:pk>/move/", activities.activity_move, name="activity-move"),
    path("pledges/<int:pk>/submit/", editor.pledge_submit, name="pledge-submit"),
    path("pledges/<int:pk>/renew/", editor.pledge_renew, name="pledge-renew"),
    path("pledges/<int:pk>/new-version/", editor.pledge_new_version, name="pledge-new-version"),
    path("pledges/<int:pk>/export.<str:fmt>", editor.pledge_export, name="pledge-export"),
    path("pledges/<int:pk>/import/", editor.pledge_import, name="pledge-import"),
    # review
    path("review/", review.review_queue, name="review-queue"),
    path("pledges/<int:pk>/review/", review.pledge_review, name="pledge-review"),
    path("pledges/<int:pk>/approve/", review.pledge_approve, name="pledge-approve"),
    path(
        "pledges/<int:pk>/request-changes/",
        review.pledge_request_changes,
        name="pledge-request-changes",
    ),
    path("pledges/<int:pk>/comments/", review.pledge_comment, name="pledge-comment"),
    path("comments/<int:pk>/resolve/", review.comment_resolve, name="comment-resolve"),
    path("pledges/<int:pk>/sign/<slug:party>/", review.pledge_sign, name="pledge-sign"),
    path("notifications/", review.notification_list, name="notification-list"),
    path("notifications/read/", review.notifications_read, name="notifications-read"),
    # public
    path("public/pledges/", public.public_index, name="public-index"),
    path(
        "public/municipalities/<str:code>/", public.public_municipality, name="public-municipality"
    ),
    path("public/pledges/<int:pk>/", public.public_pledge, name="public-pledge"),
    path(
        "public/open-data/catalog.<str:fmt>",
        public.open_data_catalogue,
        name="open-data-catalogue",
    ),
    path("public/open-data/pledges.<str:fmt>", public.open_data_pledges, name="open-data-pledges"),
    path(
        "public/open-data/activities.<str:fmt>",
        public.open_data_activities,
        name="open-data-activities",
    ),
]
