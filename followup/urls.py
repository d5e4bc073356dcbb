from followup.views import entries, indicators, reminders

urlpatterns = [*entries.urlpatterns, *indicators.urlpatterns, *reminders.urlpatterns]
