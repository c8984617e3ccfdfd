"""What people type to a coach, understood from a small table per language.

No language model: a few phrases per meaning and language, matched as whole words after
folding case, accents and punctuation. When several phrases match, the longest wins, so
"doesn't hurt" (better) beats "hurt" (worse) and "not better" beats "better". A pain
rating is a number from 0 to 10 said as one: alone ("6", "six"), over ten ("6/10",
"6 из 10", "6 de 10") or after the word for pain ("pain 6", "боль 6", "dolor 6").

The person's own language is tried first, then the others (an English app, a message typed
in Spanish).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Meaning(StrEnum):
    """What a typed message asks for."""

    RATING = "rating"  # a pain rating (``pain`` is None when it is outside 0-10)
    WORSE = "worse"  # it hurts, a bad day
    BETTER = "better"  # it feels better, no pain
    DONE = "done"  # did it (a bar hang, the plan)
    PAUSE = "pause"  # stop the reminders
    HELP = "help"  # what can you do


@dataclass(frozen=True, slots=True)
class Understood:
    """A typed message's meaning; ``bare``: the message is a number and nothing else."""

    meaning: Meaning
    pain: int | None = None
    bare: bool = False


PHRASES: dict[str, dict[Meaning, tuple[str, ...]]] = {
    "en": {
        Meaning.WORSE: (
            "worse",
            "hurts",
            "hurt",
            "hurting",
            "painful",
            "sore",
            "aching",
            "bad day",
            "bad",
            "flare",
            "flare up",
            "in pain",
            "pain",
            "not better",
            "not fine",
            "not great",
            "no better",
            "not good",
            "terrible",
            "awful",
        ),
        Meaning.BETTER: (
            "better",
            "good day",
            "good",
            "not bad",
            "great",
            "fine",
            "no pain",
            "not worse",
            "no worse",
            "doesn't hurt",
            "does not hurt",
            "doesnt hurt",
            "not hurting",
            "not sore",
            "improving",
        ),
        Meaning.DONE: (
            "done",
            "did it",
            "did them",
            "did my hang",
            "did the hang",
            "finished",
            "completed",
            "hung",
        ),
        Meaning.PAUSE: (
            "pause",
            "stop",
            "stop reminders",
            "take a break",
            "no more reminders",
            "leave me alone",
        ),
        Meaning.HELP: ("help", "what can you do", "how does this work", "commands"),
    },
    "ru": {
        Meaning.WORSE: (
            "хуже",
            "стало хуже",
            "болит",
            "больно",
            "боли",
            "ноет",
            "плохо",
            "плохой день",
            "обострение",
            "боль",
            "не очень",
            "не хорошо",
            "не лучше",
            "ужасно",
        ),
        Meaning.BETTER: (
            "лучше",
            "стало лучше",
            "хорошо",
            "отлично",
            "нормально",
            "не болит",
            "не больно",
            "не хуже",
            "без боли",
            "хороший день",
        ),
        Meaning.DONE: (
            "сделал",
            "сделала",
            "сделали",
            "сделано",
            "готово",
            "выполнил",
            "выполнила",
            "повисел",
            "повисела",
        ),
        Meaning.PAUSE: ("пауза", "стоп", "хватит", "остановить", "не присылай", "перерыв"),
        Meaning.HELP: ("помощь", "помоги", "справка", "что ты умеешь", "команды"),
    },
    "es": {
        Meaning.WORSE: (
            "peor",
            "duele",
            "me duele",
            "dolorido",
            "dolorida",
            "mal",
            "mal dia",
            "dolor",
            "no me siento bien",
            "no estoy bien",
            "fatal",
            "crisis",
            "no mejor",
            "no estoy mejor",
            "no mejora",
        ),
        Meaning.BETTER: (
            "mejor",
            "bien",
            "muy bien",
            "buen dia",
            "genial",
            "sin dolor",
            "no duele",
            "no me duele",
            "no peor",
            "no estoy peor",
            "mejorando",
        ),
        Meaning.DONE: (
            "hecho",
            "hecha",
            "listo",
            "lista",
            "lo hice",
            "ya lo hice",
            "termine",
            "ya esta",
            "completado",
        ),
        Meaning.PAUSE: ("pausa", "parar", "detener", "basta", "no mas recordatorios"),
        Meaning.HELP: ("ayuda", "ayudame", "que puedes hacer", "comandos"),
    },
}

NUMBERS: dict[str, dict[str, int]] = {
    "en": {
        w: n
        for n, w in enumerate(
            "zero one two three four five six seven eight nine ten".split()  # noqa: SIM905
        )
    },
    "ru": {
        "ноль": 0,
        "один": 1,
        "одна": 1,
        "два": 2,
        "две": 2,
        "три": 3,
        "четыре": 4,
        "пять": 5,
        "шесть": 6,
        "семь": 7,
        "восемь": 8,
        "девять": 9,
        "десять": 10,
    },
    "es": {
        w: n
        for n, w in enumerate(
            "cero uno dos tres cuatro cinco seis siete ocho nueve diez".split()  # noqa: SIM905
        )
    },
}

# The word for pain, before a number ("pain 6", "pain is 6", "pain: 6").
PAIN_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("pain", "pain is", "pain level", "pain today", "pain today is", "rating"),
    "ru": ("боль", "боль сегодня", "уровень боли", "оценка"),
    "es": ("dolor", "dolor de", "dolor hoy", "nivel de dolor"),
}

# "out of ten" after a number ("6/10" is folded into "6 10" first).
OUT_OF: dict[str, tuple[str, ...]] = {
    "en": ("10", "out of 10", "of 10", "out of ten"),
    "ru": ("10", "из 10", "из десяти"),
    "es": ("10", "de 10", "sobre 10", "de diez"),
}

_BARE_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def fold(text: str) -> str:
    """Lower case, no accents (ё is е), punctuation as spaces, one space between words."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("ё", "е"))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = kept.replace("’", "'")
    words = re.sub(r"[^\w'.,/+-]+", " ", kept)
    words = re.sub(r"(?<!\d)[.,]|[.,](?!\d)", " ", words)
    words = words.replace("/", " ")
    return " ".join(words.split())


def _contains(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


def _number(word: str, language: str) -> int | None:
    if word.isascii() and word.isdigit():
        return int(word)
    return NUMBERS[language].get(word)


def _rating(text: str, language: str) -> Understood | None:
    """A pain rating said as one, or None."""
    words = text.split()
    if not words:
        return None
    if len(words) == 1:
        number = _number(words[0], language)
        if number is not None:
            bare = words[0].isdigit()
            return Understood(Meaning.RATING, number if number <= 10 else None, bare=bare)
        if _BARE_NUMBER.fullmatch(words[0]):  # "-1", "5.5", "+3": a number, not a rating
            return Understood(Meaning.RATING, None, bare=True)
        return None
    for i, word in enumerate(words):
        number = _number(word, language)
        if number is None:
            continue
        before, after = " ".join(words[:i]), " ".join(words[i + 1 :])
        out_of = any(after == o or after.startswith(f"{o} ") for o in OUT_OF[language])
        after_pain = any(before == p or before.endswith(f" {p}") for p in PAIN_WORDS[language])
        if out_of or after_pain:
            return Understood(Meaning.RATING, number if number <= 10 else None)
    return None


def _phrase(text: str, language: str) -> Understood | None:
    """The meaning of the longest phrase of ``language`` in ``text``, or None."""
    best: tuple[int, Meaning] | None = None
    for meaning, phrases in PHRASES[language].items():
        for phrase in phrases:
            folded = fold(phrase)
            if _contains(text, folded) and (best is None or len(folded) > best[0]):
                best = (len(folded), meaning)
    return Understood(best[1]) if best else None


def understand(text: str, language: str) -> Understood | None:
    """What ``text`` means, read in ``language`` first and then in the others; None when
    no table knows it."""
    if text.strip() == "?":
        return Understood(Meaning.HELP)
    folded = fold(text)
    order = [language] + [code for code in PHRASES if code != language]
    for code in order:
        if code not in PHRASES:
            continue
        found = _rating(folded, code) or _phrase(folded, code)
        if found is not None:
            return found
    return None
