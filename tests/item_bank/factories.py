"""Small items and banks for the item-bank tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from item_bank.schema import Item

TOPICS_YAML = "".join(f'T{n:02d}: {{fr: "Thème {n}", en: "Topic {n}"}}\n' for n in range(1, 15))

STEMS = {
    "fr": [
        "Un collègue colle la copie nominative d'un élève dans un chatbot public pour la corriger.",
        "Vous préparez une séquence sur les images générées et cherchez un exemple à montrer.",
        "Une étudiante cite un article qu'un assistant conversationnel lui a suggéré hier soir.",
        "Le conseil pédagogique veut rédiger une charte d'usage de l'IA pour l'établissement.",
        "Un formateur demande à l'outil de résumer un rapport de cent pages avant une réunion.",
        "Votre inspection vous interroge sur la consommation énergétique des modèles génératifs.",
        "Un élève affirme que le détecteur de texte généré a prouvé la fraude de son camarade.",
        "Une directrice souhaite choisir un outil d'IA hébergé en Europe pour son école primaire.",
        "Pendant un atelier, un stagiaire formule une consigne vague et obtient un texte creux.",
        "Un parent transmet une vidéo truquée montrant un enseignant tenir des propos choquants.",
        "La documentaliste compare deux réponses contradictoires données par le même assistant.",
        "Un enseignant veut différencier des exercices de mathématiques pour trois groupes.",
    ],
    "en": [
        "A colleague pastes a pupil's named essay into a public chatbot to have it marked.",
        "You are planning a lesson on generated images and look for an example to show.",
        "A student cites an article that a conversational assistant suggested to her last night.",
        "The teaching council wants to draft a charter for the use of AI in the school.",
        "A trainer asks the tool to summarise a hundred-page report before a meeting.",
        "Your inspector asks you about the energy consumption of generative models.",
        "A pupil claims that the AI-text detector proved that a classmate cheated.",
        "A head teacher wants an AI tool hosted in Europe for her primary school.",
        "During a workshop, a trainee writes a vague instruction and gets a hollow text.",
        "A parent forwards a doctored video showing a teacher making shocking remarks.",
        "The librarian compares two contradictory answers given by the same assistant.",
        "A teacher wants to differentiate maths exercises for three groups of pupils.",
    ],
}


def item_data(
    number: int = 1, *, language: str = "fr", topic: str = "T02", **changes: Any
) -> dict[str, Any]:
    """A lint-clean item of ``topic``; its key moves with ``number`` so banks stay balanced."""
    stems = STEMS[language]
    key = number % 4
    lengths = [
        "Réponse moyenne ici",
        "Réponse plus longue que les autres",
        "Courte",
        "Une autre option",
    ]
    data: dict[str, Any] = {
        "id": f"{topic}-{number:03d}",
        "version": 1,
        "status": "reviewed",
        "type": "single",
        "level": number % 3 + 1,
        "objective": "Vérifier une référence avant de la citer.",
        "stem": f"{stems[number % len(stems)]} Situation {number} : que faites-vous ?",
        "options": [
            {
                "text": f"{lengths[i]} {number}-{i}",
                "correct": i == key,
                "feedback": f"Explication {i}.",
            }
            for i in range(4)
        ],
        "general_feedback": "Une sortie d'IA est un premier jet.",
        "sources": [
            {
                "title": "Cadre d'usage de l'IA en éducation",
                "publisher": "MEN",
                "date": "2025-06",
                "section": "Vigilances",
            }
        ],
        "author": "Équipe Boussole",
        "reviewers": ["Relectrice"],
    }
    data.update(copy.deepcopy(changes))
    return data


def make_item(number: int = 1, *, language: str = "fr", topic: str = "T02", **changes: Any) -> Item:
    data = item_data(number, language=language, topic=topic, **changes)
    return Item.from_dict(data, file="test", language=language, topic=topic)


def write_file(
    root: Path, language: str, topic: str, items: list[dict[str, Any]], **top: Any
) -> Path:
    path = root / language / f"{topic}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"topic": topic, "language": language, "items": items, **top}
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_bank(
    root: Path,
    count: int = 12,
    topic: str = "T02",
    *,
    items: dict[int, dict[str, Any]] | None = None,
    only: dict[tuple[str, int], dict[str, Any]] | None = None,
    drop: set[tuple[str, int]] | None = None,
) -> Path:
    """A paired, lint-clean bank of ``count`` items in ``topic`` under ``root``.

    ``items[n]`` changes item n in both languages, ``only[(language, n)]`` in one language;
    ``drop`` leaves (language, n) out.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "topics.yaml").write_text(TOPICS_YAML, encoding="utf-8")
    for language in ("fr", "en"):
        rows = []
        for n in range(1, count + 1):
            if (language, n) in (drop or set()):
                continue
            changes = {**(items or {}).get(n, {}), **(only or {}).get((language, n), {})}
            rows.append(item_data(n, language=language, topic=topic, **changes))
        write_file(root, language, topic, rows)
    return root
