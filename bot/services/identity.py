"""Actor identity across articles: which stored actor an analysed name is.

Storage asks these rules while it files an analysis (``FILING_RULES``, injected where Storage is
opened); they decide, storage executes. Deliberately conservative where it is ambiguous (a wrong
merge corrupts two dossiers and cannot be undone by the user; a missed merge only shows two
candidates):

1. same kind and same search key of the canonical name -> same actor;
   1b. else, for a full-name person: the one actor a merge in force (``/merge``) moved a name with
   this key into, if that name is, word for word, this one ("Борис Джонсон" merged into
   "Тереза Мэй": a later "Борис Джонсон" joins her; after ``/unmerge`` rule 1 finds him again);
2. else, for a one-word person name ("Тиллерсон") or any organization/location: the one actor of
   that kind that has an alias with this key, if exactly one does;
3. else, for organizations/locations: the one actor of that kind whose name key equals one of the
   new actor's alias keys ("Соединённые Штаты" with alias "США");
   A one-word person name joins only an actor that really has that name (word for word, with
   transcription reversal: ``analysis.names``), never one whose key merely collides («МО», «Мэй»).
4. else, for a full-name person: an existing surname-only person whose key equals the surname
   (last word or a one-word alias) is absorbed, i.e. renamed to the full name, provided it is the
   only one and no other full-name person carries that surname (rule 2 in the other order:
   "Тиллерсон" first, "Рекс Тиллерсон" later is still one actor);
5. else a new actor. When a surname is ambiguous (two full-name people share it), a surname-only
   mention becomes its own actor rather than a guess.

Its role becomes the latest non-empty role seen; aliases accumulate.
"""

from __future__ import annotations

from analysis.keys import search_key
from analysis.model import Actor, Tag
from analysis.names import Level, score
from analysis.textnorm import squeeze
from bot.services.alerting import SubscriptionRouting
from storage.protocols import FilingRules, IdentityFacts
from storage.records import ActorDecision, ActorKeys, TagKeys


def name_key(text: str) -> str:
    """search_key, falling back to the casefolded text for names with no Latin-mappable letters
    (an empty key would make every such actor collide on UNIQUE(kind, key))."""
    return search_key(text) or squeeze(text.casefold())


class ActorIdentity:
    """:class:`storage.protocols.IdentityRules`: the five rules above."""

    def actor_keys(self, actor: Actor) -> ActorKeys:
        aliases = tuple((a, k) for a in (actor.name, *actor.aliases) if (k := search_key(a)))
        alias_keys = tuple(sorted({k for k in (search_key(a) for a in actor.aliases) if k}))
        surname_keys: tuple[str, ...] = ()
        words = actor.name.split()
        if actor.kind == "person" and len(words) > 1:
            found = {search_key(a) for a in actor.aliases if len(a.split()) == 1}
            found.add(search_key(words[-1]))
            found.discard("")
            surname_keys = tuple(sorted(found))
        return ActorKeys(name_key(actor.name), aliases, alias_keys, surname_keys)

    def tag_keys(self, tag: Tag) -> TagKeys | None:
        name = squeeze(tag.name)
        if not name:
            return None
        return TagKeys(name, name_key(name), search_key(tag.label_en) if tag.label_en else None)

    def resolve(self, actor: Actor, keys: ActorKeys, facts: IdentityFacts) -> ActorDecision:
        found = facts.actor_with_key(actor.kind, keys.key)  # rule 1
        single_word = len(actor.name.split()) == 1
        if found is None and actor.kind == "person" and not single_word:  # rule 1b
            found = _merged_into(actor, keys, facts)
        if found is None and (actor.kind != "person" or single_word):  # rule 2
            ids = facts.actors_with_alias_key(actor.kind, keys.key)
            # A person's one-word name must really be one of the other's names, not just share a
            # squeezed key («МО» is not «Мэй»).
            if actor.kind == "person":
                ids = [i for i in ids if _names_person(actor.name, facts.aliases(i))]
            if len(ids) == 1:
                found = ids[0]
        if found is None and actor.kind != "person" and keys.alias_keys:  # rule 3
            ids = facts.actors_with_name_keys(actor.kind, keys.alias_keys)
            if len(ids) == 1:
                found = ids[0]
        if found is None and actor.kind == "person" and not single_word:  # rule 4
            absorbed = self._surname_actor(keys, facts)
            if absorbed is not None and _names_person(actor.name.split()[-1], facts.aliases(absorbed)):
                return ActorDecision(absorbed, rename=True)
        if found is None:  # rule 4b: a name followed before any article had it
            ahead = _followed(actor, keys, facts)
            if ahead is not None:
                return ActorDecision(ahead, rename=True)
        return ActorDecision(found)  # None: rule 5, a new actor

    @staticmethod
    def _surname_actor(keys: ActorKeys, facts: IdentityFacts) -> int | None:
        """The surname-only actor a full name absorbs: the one candidate, and only if no other
        person already carries that surname (then the earlier mention is ambiguous)."""
        candidates = facts.surname_only_persons(keys.surname_keys)
        if len(candidates) != 1:
            return None
        surname_id, surname_key = candidates[0]
        if facts.other_persons_with_alias_key(surname_key, surname_id):
            return None
        return surname_id


def _names_person(name: str, aliases: list[str]) -> bool:
    """Whether ``name`` is, word for word, one of ``aliases`` (surname level at least), either way."""
    return any(score(name, a, person=True) >= Level.SURNAME or score(a, name, person=True) >= Level.SURNAME
               for a in aliases)


def _merged_into(actor: Actor, keys: ActorKeys, facts: IdentityFacts) -> int | None:
    """The one survivor of a merge that took in a full name this actor's name is word for word
    (every word meets, either way), never a key collision nor a one-word alias."""
    found = {survivor for survivor, name in facts.merged_names(actor.kind, keys.key)
             if len(name.split()) > 1 and score(actor.name, name, person=True) >= Level.FULL
             and score(name, actor.name, person=True) >= Level.FULL}
    return found.pop() if len(found) == 1 else None


def _followed(actor: Actor, keys: ActorKeys, facts: IdentityFacts) -> int | None:
    """The one actor followed ahead (subscribed before any article had it) that this actor is: an
    alias key in common, a compatible kind, and a real name match (a surname for a person, every
    word for a place or body), never a squeezed-key collision."""
    wanted = {k for _, k in keys.aliases} | {keys.key}
    found = []
    for actor_id, kind, aliases in facts.followed_ahead(sorted(wanted)):
        if (kind == "person") != (actor.kind == "person"):
            continue
        person = actor.kind == "person"
        forms = (actor.name, *actor.aliases)
        need = Level.SURNAME if person else Level.FULL
        if any(score(a, f, person=person) >= need for a in aliases for f in forms):
            found.append(actor_id)
    return found[0] if len(found) == 1 else None


#: What storage is opened with wherever the bot files analyses.
FILING_RULES = FilingRules(identity=ActorIdentity(), alerting=SubscriptionRouting())
