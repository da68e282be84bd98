"""What a picture shows, as plain data: the contract between the chart service and the renderer.

These are small frozen dataclasses of ints and strings so they pickle cheaply to the render
process, and so tests can compare exactly what was drawn with what storage says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

ActorKind = Literal["person", "organization", "location"]
Bucket = Literal["day", "week"]
Lang = Literal["ru", "en"]

#: Photo and file sizes in pixels. Telegram shows photos at most 1280 px wide (and recompresses
#: them as JPEG); the file is the same picture at 2048 px, uncompressed, for reading small labels.
PHOTO_PX = (1280, 800)
FILE_PX = (2048, 1280)


@dataclass(frozen=True, slots=True)
class GraphNode:
    actor_id: int
    name: str
    kind: str
    #: The actor's articles in the whole library: the node's size.
    articles: int
    center: bool = False


@dataclass(frozen=True, slots=True)
class GraphEdge:
    a: int
    b: int
    #: Articles mentioning both (inside the centre's articles for an actor's network): the width.
    weight: int


@dataclass(frozen=True, slots=True)
class GraphData:
    title: str
    subtitle: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    lang: Lang = "en"

    def node(self, actor_id: int) -> GraphNode:
        return next(n for n in self.nodes if n.actor_id == actor_id)

    def weights(self) -> dict[frozenset[int], int]:
        """Edge weights by unordered pair, for comparing with storage."""
        return {frozenset((e.a, e.b)): e.weight for e in self.edges}


@dataclass(frozen=True, slots=True)
class TrendSeries:
    label: str
    #: Articles per bucket, one entry per bucket of TrendData.starts.
    counts: tuple[int, ...]
    #: Rolling mean over the last `TrendData.window` buckets (fewer at the start).
    rolling: tuple[float, ...]
    rising: bool = False


@dataclass(frozen=True, slots=True)
class TrendData:
    title: str
    subtitle: str
    bucket: Bucket
    #: First day of each bucket.
    starts: tuple[date, ...]
    series: tuple[TrendSeries, ...]
    window: int
    lang: Lang = "en"
