"""schema.org facts of a cluster's page, for search engines and harvesters (JSON-LD)."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# A data block holds JSON, not script; only these characters could end it early.
_DATA_BLOCK_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def cluster_organization(cluster, request, former_names, specialisations):
    """The cluster as a schema.org Organization: names, place, industries, KKK awards.

    Takes the former names and specialisations the cluster page has read; the awards
    are its `listed_awards`.
    """
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": cluster.name,
        "url": request.build_absolute_uri(cluster.get_absolute_url()),
    }
    alternate = [name for name in [cluster.short_name] if name]
    alternate += [former.name for former in former_names]
    if alternate:
        data["alternateName"] = alternate
    if cluster.description:
        data["description"] = cluster.description
    if cluster.website:
        data["sameAs"] = [cluster.website]
    if cluster.founded_year:
        data["foundingDate"] = str(cluster.founded_year)
    if cluster.city or cluster.voivodeship:
        address = {"@type": "PostalAddress", "addressCountry": "PL"}
        if cluster.city:
            address["addressLocality"] = cluster.city
        if cluster.voivodeship:
            address["addressRegion"] = str(cluster.get_voivodeship_display())
        data["address"] = address
    industries = [specialisation.display_name for specialisation in specialisations]
    if industries:
        data["knowsAbout"] = industries
    awards = [
        f"Krajowy Klaster Kluczowy ({award.round.display_name}), "
        f"{award.valid_from.isoformat()}–{award.valid_until.isoformat()}"
        for award in cluster.published_awards()
    ]
    if awards:
        data["award"] = awards
    return data


def json_ld(data):
    """A <script type="application/ld+json"> data block: the CSP governs only scripts run."""
    text = json.dumps(data, ensure_ascii=False).translate(_DATA_BLOCK_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
