from followup.views import dashboard, entries, indicators, reminders

urlpatterns = [
    *entries.urlpatterns,
    *indicators.urlpatterns,
    *reminders.urlpatterns,
    *dashboard.urlpatterns,
]
