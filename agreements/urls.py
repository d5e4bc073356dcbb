from django.urls import path

from agreements.views import agreements, pictures

urlpatterns = [
    # pictures
    path(
        "municipalities/<str:code>/situational-pictures/",
        pictures.picture_list,
        name="picture-list",
    ),
    path(
        "municipalities/<str:code>/situational-pictures/new/",
        pictures.picture_create,
        name="picture-create",
    ),
    path("situational-pictures/<int:pk>/", pictures.picture_detail, name="picture-detail"),
    path("situational-pictures/<int:pk>/edit/", pictures.picture_edit, name="picture-edit"),
    path(
        "situational-pictures/<int:pk>/make-current/",
        pictures.picture_make_current,
        name="picture-make-current",
    ),
    path(
        "situational-pictures/<int:pk>/sources/new/", pictures.source_create, name="source-create"
    ),
    path("sources/<int:pk>/delete/", pictures.source_delete, name="source-delete"),
    path(
        "situational-pictures/<int:pk>/problems/new/",
        pictures.problem_create,
        name="problem-create",
    ),
    path("problems/<int:pk>/", pictures.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", pictures.problem_edit, name="problem-edit"),
    path("problems/<int:pk>/delete/", pictures.problem_delete, name="problem-delete"),
    path("problems/<int:pk>/move/", pictures.problem_move, name="problem-move"),
    path(
        "municipalities/<str:code>/action-plans/new/",
        pictures.action_plan_create,
        name="action-plan-create",
    ),
    path("action-plans/<int:pk>/", pictures.action_plan_detail, name="action-plan-detail"),
    path("action-plans/<int:pk>/edit/", pictures.action_plan_edit, name="action-plan-edit"),
    # agreements
    path("municipalities/<str:code>/agreements/", agreements.agreement_list, name="agreement-list"),
    path(
        "municipalities/<str:code>/agreements/new/",
        agreements.agreement_create,
        name="agreement-create",
    ),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement-detail"),
    path(
        "agreements/shared/<int:pk>/",
        agreements.agreement_shared_version,
        name="agreement-shared-version",
    ),
    path(
        "agreements/<int:pk>/sections/<slug:section>/",
        agreements.agreement_section,
        name="agreement-section",
    ),
    path(
        "agreements/<int:agreement_pk>/focus-areas/new/",
        agreements.focus_area_edit,
        name="focus-area-create",
    ),
    path("focus-areas/<int:pk>/edit/", agreements.focus_area_edit, name="focus-area-edit"),
    path("focus-areas/<int:pk>/delete/", agreements.focus_area_delete, name="focus-area-delete"),
    path("agreements/<int:agreement_pk>/goals/new/", agreements.goal_edit, name="goal-create"),
    path("goals/<int:pk>/edit/", agreements.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/delete/", agreements.goal_delete, name="goal-delete"),
    path("agreements/<int:pk>/submit/", agreements.agreement_submit, name="agreement-submit"),
    path("agreements/<int:pk>/reopen/", agreements.agreement_reopen, name="agreement-reopen"),
    path(
        "agreements/<int:pk>/sign/<slug:party>/", agreements.agreement_sign, name="agreement-sign"
    ),
    path(
        "agreements/<int:pk>/new-version/",
        agreements.agreement_new_version,
        name="agreement-new-version",
    ),
    path("agreements/<int:pk>/renew/", agreements.agreement_renew, name="agreement-renew"),
    path("agreements/<int:pk>/comments/", agreements.agreement_comment, name="agreement-comment"),
]
