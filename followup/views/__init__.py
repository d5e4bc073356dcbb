"""Views of the followup app: entries.py (follow-up of activities and pledges),
indicators.py (indicators, values, imports, charts) and reminders.py (reminders,
preferences). Each keeps its URL patterns beside its views."""
