from agreements.views import agreements, pictures

urlpatterns = [*pictures.urlpatterns, *agreements.urlpatterns]
