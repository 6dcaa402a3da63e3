from django.http import HttpResponse
from django.urls import path

from kkkregistry.urls import urlpatterns as registry_urlpatterns


def ping(request):
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [path("_bench/ping", ping), *registry_urlpatterns]
