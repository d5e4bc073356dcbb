from pledges.views import editor, public, review

urlpatterns = [*editor.urlpatterns, *review.urlpatterns, *public.urlpatterns]
