"""Background tasks, run by `manage.py db_worker` (django-tasks-db).

Each passes its own task's id to the job it claims: a job found dead later
(fail_stale_jobs) has that task marked failed too.
"""

from django.tasks import task

from .jobs import run_check, run_job


@task(takes_context=True)
def check_import_job(context, job_id):
    run_check(job_id, task_result_id=context.task_result.id)


@task(takes_context=True)
def run_import_job(context, job_id):
    run_job(job_id, task_result_id=context.task_result.id)
