"""Starts a web process's model poller on its first request, where no server hook started it
(gunicorn's ``post_fork`` does, in ``gunicorn.conf.py``; ``runserver`` and other servers rely on
this). A thread started in the master would not survive the fork
(see :func:`serving.registry.start_polling`)."""

from django.conf import settings

from .registry import start_polling


class ModelPollerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start_polling(settings.MODEL_POLL_SECONDS)  # a pid comparison once started
        return self.get_response(request)
