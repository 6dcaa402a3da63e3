"""Keep Cluster.search_text current when the rows it is built from change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Cluster, ClusterFormerName, Coordinator, Representation


@receiver([post_save, post_delete], sender=ClusterFormerName)
@receiver([post_save, post_delete], sender=Representation)
def refresh_cluster_search_text(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # Absent when the cluster itself is being deleted along with its rows.
    cluster = Cluster.objects.filter(pk=instance.cluster_id).first()
    if cluster:
        cluster.refresh_search_text()


@receiver(post_save, sender=Coordinator)
def refresh_coordinated_clusters(sender, instance, raw=False, **kwargs):
    # A renamed coordinator must still find the clusters it represents.
    if raw:
        return
    for cluster in Cluster.objects.filter(representations__coordinator=instance).distinct():
        cluster.refresh_search_text()
