# Samverkan: one image for the web server (default command), the Celery worker and Celery beat.
#   web:    gunicorn -c config/gunicorn.conf.py (WEB_CONCURRENCY sync workers, default 3)
#   worker: celery -A config worker -l info
#   beat:   celery -A config beat -l info --schedule /app/var/celerybeat-schedule
# Settings come from the environment only (see README.md and docker-compose.yml).
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DEBUG=false

# WeasyPrint's system libraries, a font for the PDFs, gettext for compilemessages, and
# xmlsec1 for the signatures of SAML single sign-on (pysaml2).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
        xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Exact versions with hashes: the same set as `make install`.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .

# Settings refuse to load without SECRET_KEY when DEBUG is off: a throwaway key for this
# build step only (it is not kept in the image's environment).
RUN SECRET_KEY=build-only-throwaway-key-not-used-at-run-time \
        sh -c 'if [ -d locale ]; then python manage.py compilemessages --verbosity 0; fi \
            && python manage.py collectstatic --noinput --verbosity 0' \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# The web process only: before it, once per release, run migrate, load_reference_data
# and load_regional_themes (docker-compose.yml's web command does; README "Production
# layout"). Workers and beat run `celery -A config worker` / `beat` from this image.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py"]
