from followup.views import dashboard, entries, indicators, reminders, reports

urlpatterns = [
    *entries.urlpatterns,
    *indicators.urlpatterns,
    *reminders.urlpatterns,
    *dashboard.urlpatterns,
    *reports.urlpatterns,
]
