from django.urls import path

from councils.views import account, councils, health, history, partners, start, two_factor

urlpatterns = [
    path("municipalities/", start.municipality_list, name="municipality-list"),
    path("municipalities/<str:code>/", start.municipality_detail, name="municipality-detail"),
    path("accounts/organisations/", start.my_organisations, name="my-organisations"),
    path("accounts/calendar/new/", start.calendar_feed_renew, name="calendar-feed-renew"),
    path("accounts/calendar/off/", start.calendar_feed_revoke, name="calendar-feed-revoke"),
    path("organisations/<int:pk>/", start.organisation_detail, name="organisation-detail"),
    path(
        "organisations/<int:pk>/two-factor/",
        two_factor.organisation_two_factor,
        name="organisation-two-factor",
    ),
    path("accounts/email/", account.account_email, name="account-email"),
    path("accounts/email/works/", account.account_email_works, name="account-email-works"),
    path("accounts/ping/", account.account_ping, name="account-ping"),
    path("accounts/two-factor/", two_factor.two_factor_status, name="two-factor"),
    path("accounts/two-factor/enrol/", two_factor.two_factor_enrol, name="two-factor-enrol"),
    path("accounts/two-factor/remove/", two_factor.two_factor_remove, name="two-factor-remove"),
    path("accounts/two-factor/verify/", two_factor.two_factor_verify, name="two-factor-verify"),
    path("history/<str:label>/<int:pk>/", history.record_history, name="record-history"),
    # councils, their members, meetings and decisions; the coordination function
    path("municipalities/<str:code>/councils/", councils.council_list, name="council-list"),
    path("municipalities/<str:code>/councils/new/", councils.council_create, name="council-create"),
    path("councils/<int:pk>/", councils.council_detail, name="council-detail"),
    path("councils/<int:pk>/edit/", councils.council_edit, name="council-edit"),
    path("councils/<int:pk>/delete/", councils.council_delete, name="council-delete"),
    path(
        "councils/<int:pk>/members/new/",
        councils.council_member_create,
        name="council-member-create",
    ),
    path("members/<int:pk>/edit/", councils.council_member_edit, name="council-member-edit"),
    path("members/<int:pk>/delete/", councils.council_member_delete, name="council-member-delete"),
    path("councils/<int:pk>/meetings/new/", councils.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", councils.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", councils.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/delete/", councils.meeting_delete, name="meeting-delete"),
    path("meetings/<int:pk>/decisions/new/", councils.decision_create, name="decision-create"),
    path("decisions/<int:pk>/edit/", councils.decision_edit, name="decision-edit"),
    path("decisions/<int:pk>/delete/", councils.decision_delete, name="decision-delete"),
    path(
        "municipalities/<str:code>/coordination/",
        councils.coordination_function,
        name="coordination-function",
    ),
    path(
        "municipalities/<str:code>/coordination/edit/",
        councils.coordination_function_edit,
        name="coordination-function-edit",
    ),
    # partner organisations: partnerships with the municipality, invitations
    path("municipalities/<str:code>/partners/", partners.partner_list, name="partner-list"),
    path("municipalities/<str:code>/partners/new/", partners.partner_create, name="partner-create"),
    path(
        "municipalities/<str:code>/partners/start/",
        partners.partnership_start,
        name="partnership-start",
    ),
    path("partnerships/<int:pk>/", partners.partnership_detail, name="partnership-detail"),
    path("partnerships/<int:pk>/end/", partners.partnership_end, name="partnership-end"),
    path("partnerships/<int:pk>/invite/", partners.invitation_create, name="invitation-create"),
    path(
        "invitations/<int:pk>/withdraw/",
        partners.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("invitations/<str:token>/", partners.invitation_accept, name="invitation-accept"),
    path("healthz", health.healthz, name="healthz"),
    path("bench/hello", health.bench_hello, name="bench-hello"),
]
