"""Helpers shared by the bench/ scripts: the 200-article corpus, process-tree memory sampling."""

from __future__ import annotations

import random
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
CORPUS = Path("/work/shared/corpus/articles")

_SYNTH_PEOPLE = [
    ("Сергей Лавров", "министр иностранных дел России"), ("Рекс Тиллерсон", "госсекретарь США"),
    ("Ангела Меркель", "канцлер Германии"), ("Эммануэль Макрон", "президент Франции"),
    ("Дмитрий Песков", "пресс-секретарь Кремля"), ("Йенс Столтенберг", "генсек НАТО"),
    ("Федерика Могерини", "глава дипломатии ЕС"), ("Антониу Гутерриш", "генсек ООН"),
]
_SYNTH_PLACES = ["Москве", "Берлине", "Брюсселе", "Вашингтоне", "Париже", "Женеве", "Анкаре", "Минске"]
_SYNTH_TOPICS = ["санкции", "переговоры", "безопасность", "энергетика", "выборы", "миграция", "торговля"]


def _synthetic(i: int) -> str:
    rnd = random.Random(i)
    (a, ra), (b, rb) = rnd.sample(_SYNTH_PEOPLE, 2)
    place, topic = rnd.choice(_SYNTH_PLACES), rnd.choice(_SYNTH_TOPICS)
    return (
        f"{a.split()[-1]} и {b.split()[-1]} обсудили {topic} в {place}\n\n"
        f"{ra.capitalize()} {a} встретился в {place} с {b} ({rb}). «Мы обсудили {topic} и договорились "
        f"продолжить диалог», — заявил {a.split()[-1]} журналистам после встречи. По словам источника, "
        f"стороны не смогли договориться по ряду вопросов. {b.split()[-1]} отметил, что переговоры были "
        "трудными, но полезными. Эксперты считают, что встреча не изменит отношений двух стран.\n"
    ) * 3


def corpus_texts(n: int = 200) -> list[str]:
    """``n`` distinct articles: the shared corpus repeated, each copy with a small unique edit (so
    text-hash dedup does not drop it), or synthetic Russian news when the corpus is absent."""
    files = sorted(p for p in CORPUS.glob("*.txt") if not p.name.startswith("LICENSE")) if CORPUS.is_dir() else []
    base = [p.read_text(encoding="utf-8") for p in files]
    if not base:
        return [_synthetic(i) for i in range(n)]
    out = []
    for i in range(n):
        text = base[i % len(base)].rstrip()
        out.append(f"{text}\n\nМатериал подготовлен редакцией, выпуск № {i + 1}.")
    return out


def tree(pid: int) -> list[psutil.Process]:
    p = psutil.Process(pid)
    return [p, *p.children(recursive=True)]


def tree_memory(pid: int) -> tuple[int, int, int]:
    """(PSS, RSS, processes) summed over ``pid`` and all its descendants (forkserver, workers,
    the resource tracker). PSS charges each shared page 1/n to each of the n processes mapping it,
    so models shared copy-on-write count once in the sum; RSS counts them in every process."""
    pss = rss = n = 0
    for proc in tree(pid):
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        pss += getattr(info, "pss", info.rss)
        rss += info.rss
        n += 1
    return pss, rss, n


@dataclass
class MemorySampler:
    """Samples the process tree's PSS every ``interval`` s in a thread; keeps the peak."""

    pid: int
    interval: float = 0.2
    peak_pss: int = 0
    peak_rss: int = 0
    peak_procs: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def sample(self) -> None:
        try:
            pss, rss, n = tree_memory(self.pid)
        except psutil.NoSuchProcess:
            return
        self.samples += 1
        if pss > self.peak_pss:
            self.peak_pss, self.peak_procs = pss, n
        self.peak_rss = max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


def mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, int(q) - 1))]


async def print_plans(
    explain: Callable[[str], Awaitable[list[str]]], names: Iterable[str], scan: Callable[[str], str | None]
) -> list[str]:
    """Print each named query's plan and return "name: what" for every plan line ``scan`` names.

    The query benches differ only in what counts as a full scan (SQLite's "SCAN t" without an index,
    PostgreSQL's "Seq Scan on t") and how they word it, so ``scan`` is the one thing each passes in:
    it returns what to report for a scanning line and None for any other."""
    scans: list[str] = []
    for name in names:
        lines = await explain(name)
        print(f"-- {name}")
        for line in lines:
            print(f"   {line}")
            found = scan(line)
            if found is not None:
                scans.append(f"{name}: {found}")
    return scans


def now() -> float:
    return time.perf_counter()
