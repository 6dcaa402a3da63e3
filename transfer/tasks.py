"""Background tasks, run by `manage.py db_worker` (django-tasks-db)."""

from django.tasks import task

from .jobs import run_job


@task
def run_import_job(job_id):
    run_job(job_id)
