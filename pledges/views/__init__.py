"""Views of the pledges app: editor.py (the coordinator's editor, import/export),
review.py (review queue, review, comments, signing, notifications) and public.py
(residents' pages and open data). Each keeps its URL patterns beside its views."""
