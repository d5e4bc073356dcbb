"""gunicorn's settings for the web process: ``gunicorn -c config/gunicorn.conf.py``
(the Dockerfile's command, docker-compose.yml's web service, README "Production layout").

The pages are CPU-bound: on N cores, about N + 1 *sync* workers serve more than any
threaded set-up (measured on 2 cores: 3 sync workers beat every gthread one; issue 16).
``WEB_CONCURRENCY`` sets their number (README's configuration table).
"""

from config.env import env_int

wsgi_app = "config.wsgi:application"
bind = "0.0.0.0:8000"
worker_class = "sync"
workers = env_int("WEB_CONCURRENCY", 3)
accesslog = "-"
