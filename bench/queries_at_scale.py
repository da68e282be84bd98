"""Queries at scale: /who, /tags, /search, /stats through the service layer on 100,000 articles.

The library is generated through storage itself (Storage.add_article + Storage.save_analysis with
hand-built ArticleAnalysis objects, enqueue_alerts=False), so it has exactly the rows, keys,
aliases and FTS entries the bot would write. Distributions are Zipf-like: a few actors and tags in
a large share of the articles, a long tail seen once or twice. Generated once and cached under
bench/out/ (delete the file, or pass --regenerate, to rebuild).

Then each query kind runs --repeat times through bot.services.library.Library (exactly what the
handlers call) and p50/p95 latencies are printed against the 50 ms target, with the database size
per article and EXPLAIN QUERY PLAN of every hot query (storage.HOT_QUERIES), flagging any SCAN of
a whole table.

    .venv/bin/python bench/queries_at_scale.py [--articles 100000] [--repeat 40] [--regenerate]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import random
import re
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from _common import OUT, pct, print_plans

from analysis.model import Actor, ArticleAnalysis, Claim, Tag
from storage.records import NewArticle

TARGET_MS = 50.0

FIRST = ["Сергей", "Алексей", "Дмитрий", "Анна", "Мария", "Ольга", "Игорь", "Павел", "Елена", "Ирина",
         "Михаил", "Николай", "Татьяна", "Юрий", "Андрей", "Наталья", "Владимир", "Виктор", "Светлана", "Олег"]
SYLL = ["ла", "ва", "ро", "ми", "ка", "се", "ту", "бо", "не", "ди", "ря", "шо", "гу", "ле", "фа", "зе",
        "по", "ки", "ма", "хо", "ча", "ру", "ти", "жи"]
ENDS = ["ов", "ев", "ин", "ский", "енко", "ук", "ян", "идзе", "ман", "ерт"]
ORG_WORDS = ["Газ", "Нефть", "Банк", "Трейд", "Инвест", "Транс", "Энерго", "Пром", "Строй", "Телеком"]
PLACES = ["Москва", "Берлин", "Брюссель", "Вашингтон", "Париж", "Женева", "Анкара", "Минск", "Киев", "Пекин",
          "Лондон", "Рим", "Варшава", "Токио", "Дели", "Тегеран", "Баку", "Ереван", "Астана", "Рига"]
ROLES = ["министр", "депутат", "глава компании", "пресс-секретарь", "посол", "губернатор", "аналитик", None]
TOPICS = [("санкции", "sanctions"), ("выборы", "elections"), ("нефть", "oil"), ("газ", "gas"),
          ("переговоры", "negotiations"), ("экономика", "economy"), ("безопасность", "security"),
          ("миграция", "migration"), ("торговля", "trade"), ("энергетика", "energy"), ("оборона", "defence"),
          ("климат", "climate"), ("здравоохранение", "healthcare"), ("образование", "education"),
          ("коррупция", "corruption"), ("суд", "court"), ("протесты", "protests"), ("банки", "banks"),
          ("инфляция", "inflation"), ("космос", "space")]
WORDS = ["правительство", "заявление", "встреча", "решение", "вопрос", "договор", "страна", "президент",
         "министр", "компания", "рынок", "рост", "снижение", "кризис", "проект", "закон", "бюджет", "доклад",
         "эксперт", "источник", "сделка", "партнёр", "соглашение", "поставка", "граница", "регион", "союз",
         "реформа", "налог", "цена", "курс", "доллар", "рубль", "инвестиция", "санкция", "переговоры",
         "разрядка", "отношение", "сотрудничество", "конфликт", "армия", "флот", "учения", "саммит", "визит"]


_CUM: dict[tuple[int, float, float], list[float]] = {}


def zipf_index(rnd: random.Random, n: int, s: float = 1.0, q: float = 1.0) -> int:
    """An index in [0, n) with P(i) ~ 1/(i+q)^s (Zipf-Mandelbrot; q=1 is plain Zipf). With s=1 and
    q=1 over 20,000 actors the first is ~10% of draws, i.e. in ~1/3 of the articles at 4 actors per
    article; q=5 flattens the head so the top few people are each in ~5-10% of the articles while
    most of the tail is still drawn once or twice."""
    cum = _CUM.get((n, s, q))
    if cum is None:
        total = 0.0
        cum = []
        for i in range(n):
            total += 1.0 / (i + q) ** s
            cum.append(total)
        _CUM[(n, s, q)] = cum
    return bisect.bisect_left(cum, rnd.random() * cum[-1])


def make_people(n: int, rnd: random.Random) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    while len(out) < n:
        surname = "".join(rnd.choice(SYLL) for _ in range(rnd.randint(1, 3))).capitalize() + rnd.choice(ENDS)
        if surname in seen:
            continue
        seen.add(surname)
        out.append((f"{rnd.choice(FIRST)} {surname}", surname))
    # Real, well-known names at the head of the distribution (what people actually query).
    famous = [("Сергей Лавров", "Лавров"), ("Рекс Тиллерсон", "Тиллерсон"), ("Ангела Меркель", "Меркель"),
              ("Эммануэль Макрон", "Макрон"), ("Дмитрий Песков", "Песков")]
    return famous + out[: n - len(famous)]


def make_orgs(n: int, rnd: random.Random) -> list[str]:
    seen: set[str] = set()
    while len(seen) < n:
        seen.add(rnd.choice(ORG_WORDS) + rnd.choice(ORG_WORDS).lower() + "".join(rnd.choice(SYLL) for _ in range(2)))
    return ["НАТО", "Газпром", *sorted(seen)][:n]


def make_tags(n: int, rnd: random.Random) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = list(TOPICS)
    seen = {t for t, _ in out}
    while len(out) < n:
        name = "".join(rnd.choice(SYLL) for _ in range(rnd.randint(2, 4)))
        if name not in seen:
            seen.add(name)
            out.append((name, None))
    return out


async def generate(path: Path, n: int, seed: int = 7) -> None:
    from bot.services.identity import FILING_RULES
    from storage.repository import Storage

    rnd = random.Random(seed)
    dates = random.Random(seed + 1)  # its own stream: the actors and tags drawn stay as they were
    people = make_people(max(1000, n // 5), rnd)
    orgs = make_orgs(max(200, n // 50), rnd)
    tags = make_tags(max(100, n // 200), rnd)
    tmp = path.with_suffix(".tmp.db")
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(tmp) + suffix).unlink()  # noqa: ASYNC240 - set-up, nothing else runs
    t0 = time.perf_counter()
    base_ts = 1_500_000_000
    async with Storage.open(f"sqlite:///{tmp}", rules=FILING_RULES) as storage:
        for i in range(n):
            k = rnd.randint(2, 6)
            chosen_people = {people[zipf_index(rnd, len(people), q=5)] for _ in range(k)}
            chosen_orgs = {orgs[zipf_index(rnd, len(orgs))] for _ in range(rnd.randint(0, 2))}
            place = PLACES[zipf_index(rnd, len(PLACES))]
            words = [WORDS[zipf_index(rnd, len(WORDS), 1.05)] for _ in range(rnd.randint(60, 140))]
            names = [p[0] for p in chosen_people]
            title = f"{names[0].split()[-1]}: {' '.join(words[:6])}"
            body = " ".join(words[6:])
            text = f"{title}\n\n{', '.join(names)} в городе {place}. {body}. Выпуск {i}."
            # The imported post's own date: up to three days before it was filed, as archives are.
            posted = base_ts + i * 600 - dates.randint(0, 3 * 86400)
            article_id, created = await storage.add_article(NewArticle(
                text=text, origin_kind="import", added_by=None, added_at=base_ts + i * 600, origin_chat_title="bench",
                origin_date=posted,
            ))
            if not created:
                continue
            actors = [Actor(full, "person", rnd.randint(1, 4), rnd.choice(ROLES), (surname,))
                      for full, surname in chosen_people]
            actors += [Actor(o, "organization", 1) for o in chosen_orgs]
            actors.append(Actor(place, "location", 1))
            claims = [Claim(names[0], f"«{' '.join(words[10:22])}»", "quote", names[0])]
            if len(names) > 1 and rnd.random() < 0.5:
                claims.append(Claim(names[1], " ".join(words[30:40]), "reported", names[1]))
            chosen_tags = {tags[zipf_index(rnd, len(tags), q=2)] for _ in range(rnd.randint(1, 4))}
            analysis = ArticleAnalysis(
                title=title, source=None, via=None, lead=body[:200], summary=[body[:150]], actors=actors,
                claims=claims, tags=[Tag(t, en, "topic", 1.0) for t, en in chosen_tags], language="ru",
            )
            await storage.save_analysis(article_id, analysis, now=base_ts + i * 600, enqueue_alerts=False)
            if (i + 1) % 5000 == 0:
                rate = (i + 1) / (time.perf_counter() - t0)
                print(f"  generated {i + 1}/{n} ({rate:.0f} articles/s)", file=sys.stderr, flush=True)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(tmp) + suffix).unlink()  # noqa: ASYNC240 - set-up, nothing else runs
    tmp.replace(path)
    print(f"generated {n} articles in {time.perf_counter() - t0:.0f} s -> {path}")


Case = tuple[str, str, Callable[[], Awaitable[Any]]]


async def query_cases(library: Any, storage: Any) -> list[Case]:
    """The queries a user sends, as (kind, label, call) through the service layer (what handlers
    call); shared with bench/queries_pg_vs_sqlite.py so both measure the same thing."""
    stats = await library.stats()
    top = (await library.top_actors(limit=1)).items
    rare_rows = await storage.top_actors(limit=1, offset=max(0, stats.actors - 50))
    rare = rare_rows[0].name if rare_rows else "Лавров"
    top_name = top[0].name if top else "Лавров"
    return [
        ("who", f"frequent, Cyrillic ({top_name})", lambda: library.who(top_name)),
        ("who", "frequent, Latin (Lavrov)", lambda: library.who("Lavrov")),
        ("who", "inflected (Лаврова)", lambda: library.who("Лаврова")),
        ("who", f"rare ({rare})", lambda: library.who(rare)),
        ("who", "typo (Tilerson)", lambda: library.who("Tilerson")),
        ("who", "unknown (Зюзюкин)", lambda: library.who("Зюзюкин")),
        # Зюзюкин's key can equal a generated surname's; this one always falls through to the
        # fuzzy pass over every alias key (the slowest /who path) and only gets suggestions.
        ("who", "no match, fuzzy (Бжезинский)", lambda: library.who("Бжезинский")),
        ("who", "top list (/who alone)", lambda: library.top_actors()),
        ("tags", "ru (санкции)", lambda: library.tag("санкции")),
        ("tags", "en (sanctions)", lambda: library.tag("sanctions")),
        ("tags", "top list (/tags alone)", lambda: library.top_tags()),
        ("search", "one word (разрядка)", lambda: library.search("разрядка")),
        ("search", "frequent word (правительство)", lambda: library.search("правительство")),
        ("search", "two words (переговоры саммит)", lambda: library.search("переговоры саммит")),
        ("stats", "/stats", lambda: library.stats()),
    ]


async def measure(path: Path, repeat: int) -> int:
    from bot.services.library import Library
    from storage.repository import HOT_QUERIES, Storage

    rnd = random.Random(1)
    async with Storage.open(f"sqlite:///{path}") as storage:
        library = Library(storage)
        stats = await library.stats()
        size = path.stat().st_size  # noqa: ASYNC240
        print(f"library: {stats.articles} articles, {stats.actors} actors, {stats.claims} claims, {stats.tags} tags; "
              f"{size / 2**20:.0f} MB = {size / max(1, stats.articles) / 1024:.1f} KB per article")
        cases = await query_cases(library, storage)
        # Warm-up: caches (alias index for fuzzy matching, SQLite page cache) as in a running bot.
        for _, _, fn in cases:
            await fn()
        per_kind: dict[str, list[float]] = {}
        print(f"\n{'query':6s} {'case':38s} {'p50 ms':>8s} {'p95 ms':>8s}")
        order = list(range(len(cases)))
        timings: dict[int, list[float]] = {i: [] for i in order}
        for _ in range(repeat):
            rnd.shuffle(order)
            for i in order:
                start = time.perf_counter()
                await cases[i][2]()
                timings[i].append((time.perf_counter() - start) * 1000)
        for i, (kind, label, _) in enumerate(cases):
            t = timings[i]
            per_kind.setdefault(kind, []).extend(t)
            print(f"{kind:6s} {label:38s} {pct(t, 50):8.1f} {pct(t, 95):8.1f}")
        print(f"\n{'kind':8s} {'p50 ms':>8s} {'p95 ms':>8s}  target p95 < {TARGET_MS:.0f} ms")
        ok = True
        for kind, t in per_kind.items():
            p95 = pct(t, 95)
            ok &= p95 < TARGET_MS
            print(f"{kind:8s} {pct(t, 50):8.1f} {p95:8.1f}  {'ok' if p95 < TARGET_MS else 'SLOW'}")

        print("\nEXPLAIN QUERY PLAN of the hot queries:")
        tables = _stored_tables(path)
        scans = await print_plans(
            storage.explain, HOT_QUERIES, lambda line: line.strip() if _full_scan(line, tables) else None)
        print("\nfull-table scans:", "none" if not scans else "; ".join(scans))
        ok &= not scans
        print("RESULT", "ok" if ok else "target missed")
    return 0


#: Aliases the hot queries use for stored tables (a plan line names the alias, not the table).
_TABLE_ALIASES = {"a", "ar", "m", "m2", "c", "t", "at", "s", "o", "f"}

_SCAN_RE = re.compile(r"^SCAN (\w+)(?: AS \w+)?$")


def _stored_tables(path: Path) -> set[str]:
    """Names of the real (stored, non-virtual) tables, for telling them from subquery aliases."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        con.close()
    return {name for name, sql in rows if not (sql or "").upper().startswith("CREATE VIRTUAL")}


def _full_scan(line: str, tables: set[str]) -> bool:
    """A plan step that reads a whole real table. `SCAN t USING [COVERING] INDEX ...` walks an
    index (fine when it is the ordering index with a LIMIT), `SCAN json_each`/FTS virtual tables
    and `SCAN CONSTANT ROW` are not tables, and a materialized subquery (`SCAN m1`, where m1 is
    the alias of a bounded `(SELECT ... LIMIT n)`) is not a stored table. The plan prints a table's
    alias, so the queries alias stored tables by short names that are not table names."""
    m = _SCAN_RE.match(line.strip())
    if not m:
        return False
    name = m.group(1)
    return name in tables or name in _TABLE_ALIASES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"library-{args.articles}.db"
    if args.regenerate or not path.exists():
        print(f"generating {args.articles} articles (cached in {path}) ...", flush=True)
        asyncio.run(generate(path, args.articles))
    else:
        print(f"using cached library {path}")
    return asyncio.run(measure(path, args.repeat))


if __name__ == "__main__":
    raise SystemExit(main())
