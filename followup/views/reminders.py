"""Follow-up views: reminders."""

urlpatterns: list = []
