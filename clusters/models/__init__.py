"""The KKK programme: institutions, coordinators, clusters, rounds, applications, awards.

Status is never stored as a flag: whether a cluster holds KKK status on a
date is computed from its StatusAward rows, so the answer cannot go stale.
Split by subject, as pretix splits base/models/.
"""

from .applications import Application, ApplicationQuerySet, ExpertScore, StageResult
from .awards import (
    EXPIRING_WITHIN_DAYS,
    STATUS_YEARS,
    AwardState,
    ReportedStatusCount,
    StatusAward,
    StatusAwardQuerySet,
    status_end_for,
)
from .clusters import (
    Cluster,
    ClusterFormerName,
    ClusterLabel,
    ClusterQuerySet,
    Coordinator,
    MemberCount,
    Representation,
    Specialisation,
    StatusState,
)
from .competition import (
    ASSESSMENT_AREAS,
    Criterion,
    CriterionScore,
    ExpertAssignment,
    ScoreCard,
)
from .institutions import Institution, InstitutionName
from .people import Person, PersonRole, Role
from .rounds import EvaluationStage, Round

__all__ = [
    "EXPIRING_WITHIN_DAYS",
    "STATUS_YEARS",
    "ASSESSMENT_AREAS",
    "Application",
    "ApplicationQuerySet",
    "AwardState",
    "Cluster",
    "ClusterFormerName",
    "ClusterLabel",
    "ClusterQuerySet",
    "Coordinator",
    "Criterion",
    "CriterionScore",
    "EvaluationStage",
    "ExpertAssignment",
    "ExpertScore",
    "Institution",
    "InstitutionName",
    "MemberCount",
    "Person",
    "PersonRole",
    "ReportedStatusCount",
    "Representation",
    "Role",
    "Round",
    "ScoreCard",
    "Specialisation",
    "StageResult",
    "StatusAward",
    "StatusAwardQuerySet",
    "StatusState",
    "status_end_for",
]
