from django.urls import path

from followup.views import (
    analysis,
    calendar,
    dashboard,
    entries,
    indicators,
    partners,
    plan,
    reminders,
    reports,
    today,
)

urlpatterns = [
    # the start page, "Att göra"; the personal calendar feed
    path("", today.home, name="home"),
    path("kalender/<str:token>.ics", calendar.calendar_feed, name="calendar-feed"),
    # entries
    path("activities/<int:pk>/follow-ups/new/", entries.follow_up_create, name="follow-up-create"),
    path("follow-ups/<int:pk>/publish/", entries.follow_up_publish, name="follow-up-publish"),
    path("pledges/<int:pk>/follow-up/", entries.pledge_follow_up, name="pledge-follow-up"),
    path("pledges/<int:pk>/follow-up/plan/", plan.plan_follow_up, name="plan-follow-up"),
    path(
        "pledges/<int:pk>/follow-up/mark/",
        entries.pledge_mark_followed_up,
        name="pledge-mark-followed-up",
    ),
    # a partner organisation's own activities ("Våra aktiviteter")
    path("partners/activities/", partners.partner_activities, name="partner-activities"),
    path(
        "partners/activities/<int:pk>/follow-up/",
        partners.partner_follow_up_create,
        name="partner-follow-up-create",
    ),
    # indicators
    path("indicators/", indicators.indicator_list, name="indicator-list"),
    path("indicators/import/", indicators.indicator_import, name="indicator-import"),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator-detail"),
    path("goals/<int:pk>/indicator/", indicators.goal_indicator, name="goal-indicator"),
    # reminders
    path("reminders/", reminders.reminder_list, name="reminder-list"),
    path("reminders/preferences/", reminders.reminder_preferences, name="reminder-preferences"),
    # dashboard
    path("dashboard/", dashboard.dashboard_index, name="dashboard-index"),
    path("counties/<str:code>/dashboard/", dashboard.county_dashboard, name="county-dashboard"),
    path(
        "counties/<str:code>/dashboard.<str:fmt>",
        dashboard.county_dashboard_export,
        name="county-dashboard-export",
    ),
    path(
        "counties/<str:code>/yearly-report/",
        dashboard.county_yearly_report,
        name="county-yearly-report",
    ),
    # the county board's own analysis for the county summary
    path(
        "counties/<str:code>/analysis/<int:year>/",
        analysis.county_analysis,
        name="county-analysis",
    ),
    path(
        "counties/<str:code>/analysis/<int:year>/<str:municipality>/",
        analysis.municipality_comment,
        name="municipality-comment",
    ),
    # reports
    path("agreements/<int:pk>/report/", reports.agreement_report, name="agreement-report"),
    path("pledges/<int:pk>/report/<slug:kind>/", reports.pledge_report, name="pledge-report"),
    path("counties/<str:code>/report/", reports.county_report, name="county-report"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/retry/", reports.report_retry, name="report-retry"),
    path("reports/<int:pk>/download/", reports.report_download, name="report-download"),
]
