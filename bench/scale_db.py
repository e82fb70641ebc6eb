"""Build a DuckDB monitor database scaled to N commitments (default 600,000: ~100x OGP's history).

Rows are canonical (the shape the loaders produce) and deterministic (seeded numpy), and they are written
through the real write path, monitor.store.apply_batch, in a few large batches, so the marts are refreshed
exactly as after a user's import. Each stage is timed, and apply_batch is broken down into its upserts
(per table), reference checks, mart refresh and commit by wrapping those functions (store.py is untouched).

    .venv/bin/python -m bench.scale_db                      # 600,000 commitments -> bench/out/scaled_600000.duckdb
    .venv/bin/python -m bench.scale_db --commitments 20000  # smoke test

Timings go to stdout and to <db>.build.json beside the database.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from loaders.batch import Batch, SourceInfo, stable_id
from monitor import auth, db, store
from vocabulary import scales

BENCH = auth.system("bench")  # the benchmark imports as the monitor itself

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "out"
SEED = 20240611

# --- vocabulary ---------------------------------------------------------------------------------------
REGIONS = ("Africa and the Middle East", "Americas", "Asia and the Pacific", "Europe")
SPANISH_COUNTRIES = ("Mexico", "Argentina", "Chile", "Colombia", "Costa Rica", "Dominican Republic", "Ecuador",
                     "El Salvador", "Guatemala", "Honduras", "Panama", "Paraguay", "Peru", "Spain", "Uruguay")
OTHER_COUNTRIES = (
    "Albania", "Armenia", "Australia", "Austria", "Azerbaijan", "Belgium", "Bosnia and Herzegovina", "Brazil",
    "Bulgaria", "Burkina Faso", "Cabo Verde", "Canada", "Cote d'Ivoire", "Croatia", "Czech Republic", "Denmark",
    "Estonia", "Finland", "France", "Georgia", "Germany", "Ghana", "Greece", "Indonesia", "Ireland", "Israel",
    "Italy", "Jamaica", "Jordan", "Kenya", "Korea", "Kyrgyz Republic", "Latvia", "Liberia", "Lithuania",
    "Luxembourg", "Malawi", "Malta", "Moldova", "Mongolia", "Montenegro", "Morocco", "Netherlands",
    "New Zealand", "Nigeria", "North Macedonia", "Norway", "Pakistan", "Papua New Guinea", "Philippines",
    "Portugal", "Romania", "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Slovak Republic", "South Africa",
    "Sri Lanka", "Sweden", "Tunisia", "Ukraine", "United Kingdom", "United States",
)
LOCAL_PLACES = ("Buenos Aires", "Jalisco", "Madrid", "Scotland", "Cotabato", "Kaduna", "Bogota", "Nariño",
                "Santa Fe", "Córdoba", "Austin", "Paris", "Seoul", "Tbilisi", "Nairobi", "Elgeyo Marakwet",
                "Makueni", "La Libertad", "Sekondi-Takoradi", "Ontario", "Quebec", "Basque Country", "Catalonia",
                "Iasi", "Kigoma", "Lagos", "Plateau", "Kutaisi", "Mendoza", "Peñalolén", "Ciudad de México",
                "Oaxaca", "Nuevo León", "Puebla", "Chihuahua", "Detroit", "Phoenix", "Tshwane", "Banda Aceh",
                "Bojonegoro", "Semarang", "Batam", "Seoul Metropolitan", "Taipei", "Ulaanbaatar", "Bantay",
                "Naga City", "Larantuka", "Yumbe", "Kisumu", "Wroclaw", "Gdansk", "Tallinn", "Vilnius",
                "Zaporizhzhia", "Kharkiv", "Lviv", "Chernivtsi", "Pereira", "Medellín", "Quito", "Cuenca",
                "Montevideo", "Asunción", "Lima", "Arequipa", "Santiago", "Valparaíso", "Rosario", "Salta")
SPANISH_LOCALS = {"Buenos Aires", "Jalisco", "Madrid", "Bogota", "Nariño", "Santa Fe", "Córdoba", "Basque Country",
                  "Catalonia", "Mendoza", "Peñalolén", "Ciudad de México", "Oaxaca", "Nuevo León", "Puebla",
                  "Chihuahua", "La Libertad", "Pereira", "Medellín", "Quito", "Cuenca", "Montevideo", "Asunción",
                  "Lima", "Arequipa", "Santiago", "Valparaíso", "Rosario", "Salta"}

EN_VERBS = ("Publish", "Strengthen", "Establish", "Develop", "Implement", "Create", "Improve", "Expand", "Adopt",
            "Institutionalise", "Open", "Review", "Reform", "Launch", "Co-create")
EN_OBJECTS = ("beneficial ownership register", "open contracting portal", "access to information law",
              "citizen participation platform", "budget transparency dashboard", "lobbying register",
              "asset declaration system", "open data policy", "whistleblower protection framework",
              "public procurement monitoring", "climate finance tracker", "open justice initiative",
              "digital participation strategy", "extractive industries reporting", "police accountability mechanism",
              "health procurement data", "gender-disaggregated statistics", "parliamentary openness standard",
              "algorithmic transparency register", "surveillance oversight framework", "civic space monitoring",
              "fiscal transparency portal", "water and sanitation service data", "education spending tracker")
EN_SUFFIX = ("", "", " for local governments", " with civil society", " in the health sector", " nationwide",
             " for state-owned enterprises", " (phase II)", " and its implementing regulations")
ES_VERBS = ("Publicar", "Fortalecer", "Establecer", "Desarrollar", "Implementar", "Crear", "Mejorar", "Ampliar",
            "Adoptar", "Institucionalizar", "Abrir", "Revisar", "Reformar", "Co-crear")
ES_OBJECTS = ("registro de beneficiarios finales", "portal de contrataciones abiertas",
              "ley de acceso a la información", "plataforma de participación ciudadana",
              "tablero de transparencia presupuestaria", "registro de cabilderos",
              "sistema de declaraciones patrimoniales", "política de datos abiertos",
              "mecanismo de protección a denunciantes", "monitoreo de compras públicas",
              "seguimiento del financiamiento climático", "justicia abierta", "controles democráticos a la vigilancia",
              "estadísticas con perspectiva de género", "parlamento abierto", "espacio cívico")
EN_WORDS = ("the", "government", "will", "publish", "data", "on", "public", "procurement", "civil", "society",
            "organisations", "and", "citizens", "access", "information", "through", "an", "open", "portal",
            "ministry", "of", "finance", "commitment", "aims", "to", "improve", "transparency", "accountability",
            "participation", "in", "decision-making", "process", "including", "quarterly", "reports", "with",
            "standards", "for", "monitoring", "implementation", "by", "independent", "oversight", "body", "local",
            "authorities", "stakeholders", "consultation", "framework", "legal", "reform", "capacity", "training",
            "officials", "register", "budget", "contracts", "audit", "results",
            "evaluation", "feedback", "mechanism", "2019", "2021", "2023", "national", "strategy", "digital")
ES_WORDS = ("el", "gobierno", "publicará", "datos", "sobre", "compras", "públicas", "la", "sociedad", "civil",
            "organizaciones", "y", "ciudadanía", "acceso", "a", "información", "mediante", "un", "portal",
            "abierto", "secretaría", "de", "hacienda", "compromiso", "busca", "mejorar", "transparencia",
            "rendición", "cuentas", "participación", "en", "toma", "decisiones", "proceso", "incluyendo",
            "informes", "trimestrales", "con", "estándares", "para", "seguimiento", "implementación", "por",
            "órgano", "independiente", "autoridades", "locales", "consulta", "marco", "legal", "reforma",
            "capacitación", "funcionarios", "presupuesto", "contratos", "auditoría",
            "resultados", "evaluación", "mecanismo", "nacional", "estrategia", "digital")
# Real policy text is Zipfian: a few words are in every description and most words are rare, which is what
# makes a word index useful. Paragraph words are drawn with probability ~1/rank from the common words above
# (most frequent first) followed by a tail of made-up words, and a third of paragraphs name one topic.
# For scale, in the real export's titles (data/seed/ogp_export, 436 commitments) "beneficial ownership" is
# in 1.4% and "transparency" in 15.6%.
TAIL_WORDS = 40_000
TOPICS_EN = ("beneficial ownership register", "whistleblower protection", "lobbying transparency",
             "open contracting", "fiscal openness", "right to information", "oversight of surveillance",
             "asset declarations", "civic space", "public service delivery", "extractive industries",
             "climate finance", "open justice", "open parliament", "digital governance", "gender inclusion",
             "anti-corruption", "participatory budgeting", "freedom of expression", "personal data protection")
TOPICS_ES = ("registro de beneficiarios finales", "protección de denunciantes", "contrataciones abiertas",
             "controles democráticos a la vigilancia", "acceso a la información", "presupuesto participativo",
             "espacio cívico", "parlamento abierto", "justicia abierta", "protección de datos personales")
INSTITUTIONS = ("Ministry of Finance", "Ministry of Justice", "Ministry of Interior", "Office of the President",
                "Prime Minister's Office", "National Audit Office", "Anti-Corruption Agency", "Ministry of Health",
                "Ministry of Education", "Ministry of Environment", "Public Procurement Agency",
                "Information Commissioner", "Parliament", "Supreme Court", "National Statistics Office",
                "Secretaría de la Función Pública", "Secretaría de Hacienda y Crédito Público",
                "Instituto Nacional de Transparencia (INAI)", "Ministerio de Justicia", "Jefatura de Gabinete",
                "Department of Public Expenditure & Reform (DPER).", "N/A", "Unclear", "NA")
COMPLETION = ("not_started", "limited", "substantial", "complete", "withdrawn", "no_evidence", "in_progress")
PERIOD_STATUS = ("not_started", "limited", "in_progress", "substantial", "complete")
POLICY_AREAS = (
    "Anti-Corruption and Integrity", "Anti-corruption Institutions", "Asset Disclosure", "Audits",
    "Beneficial Ownership", "Conflicts Of Interest", "Elections", "Political Finance", "Lobbying",
    "Open Contracting", "Public Procurement", "Right To Information", "Whistleblower Protections",
    "Civic Space and Enabling Environment", "Freedom of Expression", "Democratizing Decision-Making",
    "Digital Participation", "Social Accountability", "Digital Governance", "Automated Decision-making",
    "Data Stewardship and Privacy", "Digital Inclusion", "Environment & Climate", "Climate Finance",
    "Fiscal Openness", "Publication Of Budget/Fiscal Information", "Tax", "Inclusion", "Gender", "Youth",
    "Justice", "Access to Justice", "Open Justice", "Policing & Corrections", "Open Parliaments",
    "Public Service Delivery", "Education", "Health & Nutrition", "Water & Sanitation", "Capacity Building",
    "Open Data", "Public Participation", "Extractive Industries", "Security & Public Safety", "Human Rights",
)
EVENT_CATEGORIES = ("irm_report", "civic_space", "surveillance", "plan_submission", "response_policy",
                    "legislation", "election", "court_ruling")


@contextmanager
def timed(label: str, timings: dict):
    t0 = time.perf_counter()
    yield
    timings[label] = round(timings.get(label, 0.0) + time.perf_counter() - t0, 3)
    print(f"  {label}: {timings[label]:.2f} s", flush=True)


def _ids(*cols) -> np.ndarray:
    """stable_id over aligned columns (the loaders' key function)."""
    n = max(len(c) for c in cols if not isinstance(c, str))
    cols = [[c] * n if isinstance(c, str) else c for c in cols]
    return np.array([stable_id(*parts) for parts in zip(*cols)], dtype=object)


def _dates(days: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(days, unit="D", origin="1970-01-01")).dt.date.astype(object)


def _epoch(d: date) -> int:
    return (d - date(1970, 1, 1)).days


class Gen:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = np.random.default_rng(seed)
        rng = self.rng
        # paragraph pools: descriptions are joins of pool paragraphs, so text is varied but cheap to build
        en, es = self._vocabulary(EN_WORDS), self._vocabulary(ES_WORDS)
        self.en_par = [self._paragraph(en, TOPICS_EN) for _ in range(1500)]
        self.es_par = [self._paragraph(es, TOPICS_ES) for _ in range(800)]
        self.narr_en = [self._paragraph(en, TOPICS_EN, 20, 90) for _ in range(600)]
        self.narr_es = [self._paragraph(es, TOPICS_ES, 20, 90) for _ in range(300)]
        del rng

    def _vocabulary(self, common) -> tuple[np.ndarray, np.ndarray]:
        """Words, most frequent first, and their Zipf probabilities."""
        syllables = np.array([c + v for c in "bcdfglmnprstv" for v in "aeiou"], dtype=object)
        tail = set()
        while len(tail) < TAIL_WORDS:
            tail.add("".join(syllables[self.rng.integers(0, len(syllables), int(self.rng.integers(2, 5)))]))
        words = np.array(list(common) + sorted(tail), dtype=object)
        weights = 1.0 / np.arange(1, len(words) + 1)
        return words, weights / weights.sum()

    def _paragraph(self, vocabulary, topics, lo=40, hi=110) -> str:
        words, p = vocabulary
        picked = list(words[self.rng.choice(len(words), int(self.rng.integers(lo, hi)), p=p)])
        if self.rng.random() < 1 / 3:
            picked.insert(int(self.rng.integers(0, len(picked))), topics[int(self.rng.integers(0, len(topics)))])
        text = " ".join(picked)
        return text[0].upper() + text[1:] + "."

    # -- members and plans -----------------------------------------------------------------------------
    def members_plans(self, n_members=150, n_plans=3000):
        rng = self.rng
        nat = list(SPANISH_COUNTRIES) + list(OTHER_COUNTRIES)
        n_nat = min(len(nat), 79)
        nat = nat[:n_nat]
        loc = list(LOCAL_PLACES)[: n_members - n_nat]
        rows, used3, used_pref = [], set(), set()
        for i, name in enumerate(nat + loc):
            local = i >= n_nat
            letters = "".join(ch for ch in name.upper() if "A" <= ch <= "Z")
            code = self._unique(letters[:4] if local else letters[:3], used3, 4 if local else 3)
            prefix = self._unique(letters[:3] if local else letters[:2], used_pref, 3 if local else 2)
            spanish = name in SPANISH_COUNTRIES or name in SPANISH_LOCALS
            rows.append({"member_code": code, "name": name,
                         "member_type": ("local" if i % 5 else "legacy_local") if local else "national",
                         "region": "Americas"
                         if spanish and name not in ("Spain", "Madrid", "Basque Country", "Catalonia")
                         else REGIONS[int(rng.integers(0, 4))] if not spanish else "Europe",
                         "id_prefix": prefix, "_spanish": spanish})
        members = pd.DataFrame(rows)
        plans_per = np.full(len(members), n_plans // len(members))
        plans_per[: n_plans - plans_per.sum()] += 1
        prow = []
        for m, k in zip(rows, plans_per):
            first = int(rng.integers(2011, 2016)) if m["member_type"] == "national" else int(rng.integers(2016, 2021))
            for p in range(1, k + 1):
                sub = min(2028, first + int((p - 1) * (2028 - first) / max(k - 1, 1)))
                dur = 4 if sub >= 2020 and rng.random() < 0.3 else 2
                prow.append({"action_plan_id": f"AP_{m['member_code']}{p:02d}", "member_code": m["member_code"],
                             "plan_number": p, "title": f"{m['name']} Action Plan {p} ({sub}-{sub + dur})",
                             "submission_year": sub, "end_year": sub + dur, "duration_years": dur,
                             "start_date": date(sub, 9, 1), "end_date": date(sub + dur, 8, 31),
                             "source_url": "https://www.opengovpartnership.org/documents/"
                                           f"{m['name'].lower().replace(' ', '-')}-action-plan-{sub}-{sub + dur}/"})
        plans = pd.DataFrame(prow)
        self.members, self.plans = members, plans
        return members.drop(columns="_spanish"), plans

    @staticmethod
    def _unique(base: str, used: set, width: int) -> str:
        base = (base + "XXXX")[:width]
        cand, i = base, 0
        while cand in used:
            i += 1
            cand = (base[: width - 1] + chr(ord("A") + (i % 26)) if i < 26
                    else base[: width - 2] + f"{chr(65 + i // 26)}{chr(65 + i % 26)}")
        used.add(cand)
        return cand

    # -- commitments -------------------------------------------------------------------------------------
    def commitments(self):
        rng, n = self.rng, self.n
        plans = self.plans
        w = rng.lognormal(0, 0.4, len(plans))
        plan_i = np.sort(rng.choice(len(plans), n, p=w / w.sum()))
        p = plans.iloc[plan_i].reset_index(drop=True)
        mem = self.members.set_index("member_code").loc[p["member_code"]].reset_index()
        serial = p.groupby("member_code").cumcount().to_numpy() + 1
        number = p.groupby("action_plan_id").cumcount().to_numpy() + 1
        ids = mem["id_prefix"].to_numpy(dtype=object) + pd.Series(serial).map("{:04d}".format).to_numpy(dtype=object)
        spanish = mem["_spanish"].to_numpy()
        # titles
        v = rng.integers(0, 100, n)
        o = rng.integers(0, 1000, n)
        s = rng.integers(0, len(EN_SUFFIX), n)
        en_title = np.array([f"{EN_VERBS[a % len(EN_VERBS)]} {EN_OBJECTS[b % len(EN_OBJECTS)]}{EN_SUFFIX[c]}"
                             for a, b, c in zip(v, o, s)], dtype=object)
        es_title = np.array([f"{ES_VERBS[a % len(ES_VERBS)]} {ES_OBJECTS[b % len(ES_OBJECTS)]}"
                             for a, b in zip(v, o)], dtype=object)
        title = np.where(spanish, es_title, en_title)
        translated = rng.random(n) < 0.05
        title_es = np.where(spanish | translated, es_title, None)
        # descriptions 0.5-5 KB (log-uniform-ish), Spanish for Spanish-speaking members
        target = np.clip(rng.lognormal(np.log(1500), 0.6, n), 500, 5000).astype(int)
        desc = self._texts(target, spanish)
        desc_es = np.where(spanish, desc, None)
        extra_es = translated & ~spanish
        if extra_es.any():
            desc_es[extra_es] = self._texts(target[extra_es], np.ones(extra_es.sum(), bool))
        lead = np.array(INSTITUTIONS, dtype=object)[rng.integers(0, len(INSTITUTIONS), n)]
        supp = np.where(rng.random(n) < 0.6, "Civil society organisations; " +
                        np.array(INSTITUTIONS, dtype=object)[rng.integers(0, len(INSTITUTIONS), n)], None)
        start = p["start_date"].map(_epoch).to_numpy() + rng.integers(0, 120, n)
        end = p["end_date"].map(_epoch).to_numpy() - rng.integers(0, 200, n)
        nodate = rng.random(n) < 0.06
        sd, ed = _dates(start), _dates(end)
        sd[nodate], ed[nodate] = None, None
        start_raw = np.where(nodate, "NA", sd.map(lambda d: f"{d.month}/{d.day}/{d.year}" if d else "NA"))
        end_raw = np.where(nodate, "NA", ed.map(lambda d: f"{d.month}/{d.day}/{d.year}" if d else "NA"))
        slug = mem["name"].str.lower().str.replace(" ", "-").to_numpy(dtype=object)
        url = ("https://opengovpartnership.org/members/" + slug + "/commitments/"
               + pd.Series(ids).str.lower().to_numpy(dtype=object))
        c = pd.DataFrame({
            "commitment_id": ids, "action_plan_id": p["action_plan_id"].to_numpy(),
            "member_code": p["member_code"].to_numpy(),
            "commitment_number": number.astype(str), "commitment_number_raw": number.astype(str),
            "title": title, "title_es": title_es, "short_title": [t[:40] for t in title],
            "description": desc, "description_es": desc_es,
            "theme": np.where(rng.random(n) < 0.3, "NA",
                              np.array(POLICY_AREAS, dtype=object)[rng.integers(0, len(POLICY_AREAS), n)]),
            "lead_institution": lead, "supporting_institutions": supp,
            "start_date": sd, "start_date_raw": start_raw, "start_date_precision": np.where(nodate, "none", "day"),
            "end_date": ed, "end_date_raw": end_raw, "end_date_precision": np.where(nodate, "none", "day"),
            "ogp_url": url, "notes": None, "source_url": url,
            "source_sheet": "Commitments", "source_row": np.arange(n, dtype=np.int32) + 2,
        })
        self.c_plan = p
        self.c_spanish = spanish
        return c

    def _texts(self, target: np.ndarray, spanish: np.ndarray) -> np.ndarray:
        rng = self.rng
        en, es = self.en_par, self.es_par
        picks = rng.integers(0, 10**9, (len(target), 14))
        out = np.empty(len(target), dtype=object)
        for i in range(len(target)):
            pool = es if spanish[i] else en
            parts, size = [], 0
            for r in picks[i]:
                par = pool[r % len(pool)]
                parts.append(par)
                size += len(par) + 2
                if size >= target[i]:
                    break
            out[i] = "\n\n".join(parts)[: target[i]]
        return out

    # -- children of a slice of commitments ---------------------------------------------------------------
    def tags(self, c: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        k = rng.integers(1, 5, len(c))
        cid = np.repeat(c["commitment_id"].to_numpy(), k)
        tag = np.array(POLICY_AREAS, dtype=object)[rng.zipf(1.6, len(cid)) % len(POLICY_AREAS)]
        t = pd.DataFrame({"commitment_id": cid, "scheme": "ogp_policy_area", "tag": tag})
        t = t.drop_duplicates(["commitment_id", "tag"])
        t["value"] = np.where(rng.random(len(t)) < 0.03, "ND", "1")
        t["source_sheet"] = "Commitments"
        t["source_row"] = np.int32(0)
        return t

    def milestones(self, c: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        k = 1 + rng.poisson(3, len(c))
        idx = np.repeat(np.arange(len(c)), k)
        seq = pd.Series(idx).groupby(idx).cumcount().to_numpy() + 1
        cid = c["commitment_id"].to_numpy()[idx]
        ps = plan["start_date"].map(_epoch).to_numpy()[idx]
        dur = plan["duration_years"].to_numpy()[idx] * 365
        due = ps + (dur * (seq / (k[idx] + 0.5))).astype(int) + rng.integers(-60, 240, len(idx))
        due = np.clip(due, _epoch(date(2012, 1, 1)), _epoch(date(2030, 12, 31)))
        due_d = _dates(due)
        nodue = rng.random(len(idx)) < 0.05
        due_d[nodue] = None
        prec = np.where(nodue, "none", np.where(rng.random(len(idx)) < 0.2, "quarter", "day"))
        raw = np.where(nodue, "Permanent activity",
                       np.where(prec == "quarter",
                                "Quarter "
                                + pd.Series(due_d.map(lambda d: (d.month - 1) // 3 + 1 if d else 0)).astype(str)
                                .to_numpy(dtype=object)
                                + " " + due_d.map(lambda d: str(d.year) if d else "").to_numpy(dtype=object),
                                due_d.map(lambda d: d.isoformat() if d else "").to_numpy(dtype=object)))
        mtitle = np.array(self.narr_en, dtype=object)[rng.integers(0, len(self.narr_en), len(idx))]
        mtitle = np.array([t[:int(x)] for t, x in zip(mtitle, rng.integers(40, 200, len(idx)))], dtype=object)
        return pd.DataFrame({
            "milestone_id": _ids(cid, "milestone", seq), "commitment_id": cid, "parent_milestone_id": None,
            "level": "milestone", "seq": seq.astype(np.int32), "title": mtitle,
            "responsible": np.array(INSTITUTIONS, dtype=object)[rng.integers(0, len(INSTITUTIONS), len(idx))],
            "start_date": _dates(due - 180), "start_date_raw": None, "due_date": due_d, "due_date_raw": raw,
            "due_date_precision": prec, "notes": None, "source_url": None,
            "source_sheet": "Milestones", "source_row": np.arange(len(idx), dtype=np.int32) + 2,
        })

    def assessments(self, c: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
        """IRM ratings as the OGP export melts them: legacy plans (before 2020) and refreshed plans."""
        rng = self.rng
        sub = plan["submission_year"].to_numpy()
        end = plan["end_year"].to_numpy()
        refreshed = sub >= 2020
        design_done = sub <= 2026
        final_done = end <= 2025
        cid = c["commitment_id"].to_numpy()
        parts = []

        def add(mask, indicator, qualifier, scale, codes, probs, stage, methodology, missing_p=0.06):
            m = np.flatnonzero(mask)
            if not len(m):
                return
            pick = np.array(codes, dtype=object)[rng.choice(len(codes), len(m), p=probs)]
            r = rng.random(len(m))
            miss = np.where(r < missing_p * 0.5, "ND",
                            np.where(r < missing_p * 0.8, "NR", np.where(r < missing_p, "NA", None)))
            code = np.where(miss == None, pick, None)  # noqa: E711
            label = {v.code: v.label_en for v in scales.scale_values() if v.scale_id == scale}
            bands = {v.code: v.band or None for v in scales.scale_values() if v.scale_id == scale}
            ogp = {v.code: v.ogp_export_code for v in scales.scale_values() if v.scale_id == scale}
            yr = (sub[m] + 1) if stage == "design" else (end[m] + 1)
            base = np.where(refreshed[m], {"design": "IRM action plan review", "final": "IRM results report"}[stage],
                            {"design": "IRM progress report", "final": "IRM end-of-term report"}[stage])
            parts.append(pd.DataFrame({
                "subject_type": "commitment", "subject_id": cid[m], "indicator": indicator,
                "qualifier": qualifier if isinstance(qualifier, str) else qualifier[m],
                "assessor": "irm", "report": base + " " + yr.astype(str),
                "methodology": methodology if isinstance(methodology, str) else methodology[m], "scale_id": scale,
                "value_raw": np.where(miss == None, pd.Series(code).map(label).to_numpy(dtype=object), miss),  # noqa: E711
                "value_code": code,
                "value_numeric": pd.to_numeric(pd.Series(code).map(ogp), errors="coerce").to_numpy(),
                "band": pd.Series(code).map(bands).to_numpy(dtype=object),
                "missing_reason": miss, "as_of": _dates((yr - 1970) * 365.25 + 120),
                "rationale": None, "source_url": c["ogp_url"].to_numpy()[m],
                "source_sheet": "Commitments", "source_row": c["source_row"].to_numpy()[m], "source_column": indicator,
            }))

        legacy = ~refreshed
        meth = np.where(refreshed, "irm_refresh", "irm_legacy")
        add(legacy & design_done, "specificity", "", "specificity", ("none", "low", "medium", "high"),
            (.05, .25, .45, .25), "design", "irm_legacy")
        for q in ("access_to_information", "civic_participation", "public_accountability", "technology_and_innovation"):
            add(design_done, "ogp_value", q, "yes_no", ("yes", "no"), (.55, .45), "design", meth)
        add(design_done, "relevance", "", "yes_no", ("yes", "no"), (.9, .1), "design", meth)
        add(legacy & design_done, "potential_impact", "", "potential_impact",
            ("none", "minor", "moderate", "transformative"), (.05, .4, .4, .15), "design", "irm_legacy")
        add(refreshed & design_done, "verifiable", "", "yes_no", ("yes", "no"), (.92, .08), "design", "irm_refresh")
        add(refreshed & design_done, "potential_for_results", "", "potential_for_results",
            ("unclear", "modest", "substantial"), (.3, .5, .2), "design", "irm_refresh")
        comp = COMPLETION[:4] + ("withdrawn", "no_evidence")
        add(legacy & design_done, "completion", "midterm", "completion", comp, (.15, .45, .25, .1, .02, .03),
            "design", "irm_legacy")
        add(legacy & design_done, "starred", "current_progress", "yes_no", ("yes", "no"), (.1, .9), "design",
            "irm_legacy")
        add(final_done, "completion", np.where(refreshed, "results_report", "end_of_term"), "completion", comp,
            (.08, .32, .33, .22, .02, .03), "final", meth)
        add(legacy & final_done, "did_it_open_government", "overall", "did_it_open_government",
            ("worsened", "did_not_change", "marginal", "major", "outstanding"), (.01, .3, .45, .19, .05), "final",
            "irm_legacy", 0.1)
        add(refreshed & final_done, "early_results", "", "early_results",
            ("no_notable_results", "moderate", "significant", "outstanding"), (.45, .35, .15, .05), "final",
            "irm_refresh", 0.1)
        add(legacy & final_done, "starred", "current_end_of_term", "yes_no", ("yes", "no"), (.2, .8), "final",
            "irm_legacy")
        a = pd.concat(parts, ignore_index=True)
        a.insert(0, "assessment_id", _ids(a["subject_type"], a["subject_id"], a["indicator"], a["qualifier"],
                                          a["assessor"], a["report"]))
        a["source_row"] = a["source_row"].astype(np.int32)
        return a

    def progress(self, c: pd.DataFrame, plan: pd.DataFrame, m: pd.DataFrame) -> pd.DataFrame:
        """~3 updates per commitment: semester periods by government, civil society, sometimes the Support Unit."""
        rng = self.rng
        n = len(c)
        k = rng.poisson(2.2, n)
        idx = np.repeat(np.arange(n), k)
        seq = pd.Series(idx).groupby(idx).cumcount().to_numpy()
        ps = plan["start_date"].map(_epoch).to_numpy()[idx]
        pend = ps + 182 * (seq + 1)
        pend = np.minimum(pend, _epoch(date(2026, 10, 31)))
        pe = _dates(pend)
        period = pe.map(lambda d: f"{d.year}-S{1 if d.month <= 6 else 2}").to_numpy(dtype=object)
        assessor = np.array(("government", "civil_society", "support_unit"), dtype=object)[
            rng.choice(3, len(idx), p=(.6, .3, .1))]
        # status drifts up over periods; civil society reads it lower a third of the time (disagreement)
        level = np.clip(seq + rng.integers(-1, 2, len(idx)), 0, 4)
        level = np.where((assessor == "civil_society") & (rng.random(len(idx)) < 0.33), np.maximum(level - 1, 0), level)
        status = np.array(PERIOD_STATUS, dtype=object)[level]
        spanish = self.c_spanish_slice[idx]
        commit = pd.DataFrame({
            "subject_type": "commitment", "subject_id": c["commitment_id"].to_numpy()[idx],
            "commitment_id": c["commitment_id"].to_numpy()[idx], "period": period, "period_end": pe,
            "assessor": assessor, "status_code": status, "spanish": spanish})
        # milestone-level updates for ~20% of milestones
        mi = np.flatnonzero(rng.random(len(m)) < 0.2)
        mdue = m["due_date"].iloc[mi]
        mpe = mdue.map(lambda d: d if d is None else min(d, date(2026, 10, 31)))
        mstat = np.array(PERIOD_STATUS, dtype=object)[rng.choice(5, len(mi), p=(.1, .15, .25, .2, .3))]
        msp = self.c_spanish_slice[pd.Series(m["commitment_id"].iloc[mi]).map(self._slice_pos).to_numpy()]
        mil = pd.DataFrame({
            "subject_type": "milestone", "subject_id": m["milestone_id"].to_numpy()[mi],
            "commitment_id": m["commitment_id"].to_numpy()[mi],
            "period": mpe.map(lambda d: f"{d.year}-S{1 if d.month <= 6 else 2}" if d else "ND").to_numpy(dtype=object),
            "period_end": mpe.to_numpy(dtype=object), "assessor": "government", "status_code": mstat, "spanish": msp})
        u = pd.concat([commit, mil], ignore_index=True).drop_duplicates(
            ["subject_type", "subject_id", "period", "assessor"])
        nn = len(u)
        sp = u.pop("spanish").to_numpy()
        en_n = np.array(self.narr_en, dtype=object)[rng.integers(0, len(self.narr_en), nn)]
        es_n = np.array(self.narr_es, dtype=object)[rng.integers(0, len(self.narr_es), nn)]
        u["update_id"] = _ids(u["subject_type"], u["subject_id"], u["period"], u["assessor"])
        u["assessor_name"] = np.where(u["assessor"] == "civil_society", "Núcleo de Sociedad Civil", None)
        labels = {v.code: v.label_en for v in scales.scale_values() if v.scale_id == "completion"}
        u["status_raw"] = u["status_code"].map(labels)
        u["percent_complete"] = u["status_code"].map({"not_started": 0.0, "limited": 25.0, "in_progress": 50.0,
                                                      "substantial": 75.0, "complete": 100.0})
        u["narrative"] = np.where(sp, es_n, en_n)
        u["challenges"] = np.where(rng.random(nn) < 0.3, en_n, None)
        u["evidence"] = np.where(rng.random(nn) < 0.5, "https://example.gob/evidencia/" + u["update_id"] + ".pdf", None)
        u["language"] = np.where(sp, "es", "en")
        u["source_url"] = None
        u["source_sheet"] = "Progress"
        u["source_row"] = np.arange(nn, dtype=np.int32) + 2
        return u

    def slice_children(self, c: pd.DataFrame, lo: int, hi: int) -> dict[str, pd.DataFrame]:
        plan = self.c_plan.iloc[lo:hi].reset_index(drop=True)
        self.c_spanish_slice = self.c_spanish[lo:hi]
        pos = pd.Series(np.arange(hi - lo), index=c["commitment_id"].to_numpy())
        self._slice_pos = pos
        m = self.milestones(c, plan)
        return {"commitment_tag": self.tags(c), "milestone": m, "assessment": self.assessments(c, plan),
                "progress_update": self.progress(c, plan, m)}

    def plan_assessments(self, counts: pd.DataFrame) -> pd.DataFrame:
        """Plan-level IRM figures as published (counts per report), for plan_summaries."""
        rng = self.rng
        p = self.plans.merge(counts, on="action_plan_id", how="left").fillna({"n": 0})
        rows = []
        for ind in ("commitments_assessed", "starred", "high_completion", "strong_early_results", "verifiable"):
            v = np.floor(p["n"].to_numpy() * (1.0 if ind == "commitments_assessed" else rng.uniform(0.05, 0.6, len(p))))
            rows.append(pd.DataFrame({"subject_type": "action_plan", "subject_id": p["action_plan_id"].to_numpy(),
                                      "indicator": ind, "qualifier": "", "assessor": "irm",
                                      "report": "IRM results report "
                                      + (p["end_year"] + 1).astype(str).to_numpy(dtype=object),
                                      "methodology": np.where(p["submission_year"] >= 2020, "irm_refresh",
                                                              "irm_legacy"),
                                      "scale_id": None, "value_raw": v.astype(int).astype(str), "value_code": None,
                                      "value_numeric": v, "band": None, "missing_reason": None, "as_of": None,
                                      "rationale": "As published in the report's summary table.",
                                      "source_url": p["source_url"].to_numpy(), "source_sheet": "Plans",
                                      "source_row": np.arange(len(p), dtype=np.int32) + 2, "source_column": ind}))
        a = pd.concat(rows, ignore_index=True)
        a = a[a["subject_id"].isin(self.plans.loc[self.plans["end_year"] <= 2025, "action_plan_id"])]
        a.insert(0, "assessment_id", _ids(a["subject_type"], a["subject_id"], a["indicator"], a["qualifier"],
                                          a["assessor"], a["report"]))
        return a.reset_index(drop=True)

    def events_watchlist(self, ids: np.ndarray, id_members: np.ndarray, n_events: int, n_watch: int = 200):
        """Events about one commitment (60%, dated, with its member) or about a member only."""
        rng = self.rng
        members = self.members["member_code"].to_numpy()
        about = rng.random(n_events) < 0.6
        pick = rng.integers(0, len(ids), n_events)
        cid = np.where(about, ids[pick], None)
        mcode = np.where(about, id_members[pick], members[rng.integers(0, len(members), n_events)])
        days = rng.integers(_epoch(date(2012, 1, 1)), _epoch(date(2026, 11, 1)), n_events)
        ed = _dates(days)
        cat = np.array(EVENT_CATEGORIES, dtype=object)[rng.integers(0, len(EVENT_CATEGORIES), n_events)]
        title = np.array(self.narr_en, dtype=object)[rng.integers(0, len(self.narr_en), n_events)]
        title = np.array([t[:int(x)] for t, x in zip(title, rng.integers(30, 120, n_events))], dtype=object)
        ev = pd.DataFrame({"event_date": ed, "date_raw": ed.map(lambda d: d.isoformat()).to_numpy(dtype=object),
                           "date_precision": "day", "member_code": mcode, "commitment_id": cid, "category": cat,
                           "title": title, "title_es": np.where(rng.random(n_events) < 0.2, title, None),
                           "actor": None, "notes": None,
                           "source_url": "https://example.org/news/"
                           + pd.Series(np.arange(n_events)).astype(str).to_numpy(dtype=object),
                           "source_sheet": "Events", "source_row": np.arange(n_events, dtype=np.int32) + 2})
        ev.insert(0, "event_id", _ids(ev["date_raw"], ev["member_code"], ev["commitment_id"], ev["title"]))
        ev = ev.drop_duplicates("event_id")
        watch_ids = np.unique(ids[rng.choice(len(ids), min(n_watch, len(ids)), replace=False)])
        reasons = ("Surveillance revelations; civil society left the process", "Deadline slipped twice",
                   "High ambition, limited completion at midterm", "Government and civil society disagree on status",
                   "Flagged by the IRM results report")
        wl = pd.DataFrame({"list_name": "priority", "commitment_id": watch_ids,
                           "reason": np.array(reasons, dtype=object)[rng.integers(0, len(reasons), len(watch_ids))],
                           "since": _dates(rng.integers(_epoch(date(2022, 1, 1)), _epoch(date(2026, 10, 1)),
                                                        len(watch_ids))),
                           "added_by": "support_unit", "source_url": None, "source_sheet": "Watchlist",
                           "source_row": np.arange(len(watch_ids), dtype=np.int32) + 2})
        return ev, wl


def make_batch(name: str, kind: str, tables: dict[str, pd.DataFrame]) -> Batch:
    digest = hashlib.sha256(
        ("bench-scale:" + name + ":" + ":".join(f"{k}={len(v)}" for k, v in tables.items())).encode()).hexdigest()
    size = int(sum(v.memory_usage(deep=False).sum() for v in tables.values()))
    return Batch(SourceInfo(name, digest, size, kind), tables)


def instrumented(timings: dict):
    """Wrap store._upsert, store._dangling_references and db.refresh_marts to time them (no source change)."""
    orig_upsert, orig_dangling, orig_refresh = store._upsert, store._dangling_references, db.refresh_marts

    def upsert(con, table, frame):
        t0 = time.perf_counter()
        r = orig_upsert(con, table, frame)
        timings.setdefault("upsert", {})[table] = round(timings.get("upsert", {}).get(table, 0)
                                                        + time.perf_counter() - t0, 3)
        return r

    def dangling(con, batch):
        t0 = time.perf_counter()
        r = orig_dangling(con, batch)
        timings["reference_checks"] = round(timings.get("reference_checks", 0) + time.perf_counter() - t0, 3)
        return r

    def refresh(con):
        t0 = time.perf_counter()
        r = orig_refresh(con)
        timings["refresh_marts"] = round(timings.get("refresh_marts", 0) + time.perf_counter() - t0, 3)
        return r

    store._upsert, store._dangling_references, db.refresh_marts = upsert, dangling, refresh
    return lambda: (setattr(store, "_upsert", orig_upsert), setattr(store, "_dangling_references", orig_dangling),
                    setattr(db, "refresh_marts", orig_refresh))


class TimingCon:
    """Passes everything to the real connection; times each statement by kind (probe, insert, marts, commit)."""

    KINDS = (("select count(*) filter", "upsert_probe"), ("insert or replace", "upsert_insert"),
             ("create or replace table mart_", "marts_sql"), ("commit", "commit"), ("begin", "begin"),
             ("select distinct c.", "reference_checks_sql"))

    def __init__(self, con, timings: dict):
        self._con, self._t = con, timings

    def execute(self, sql, params=None):
        kind = next((k for prefix, k in self.KINDS if prefix in sql[:200].lstrip().lower() or
                     (k == "marts_sql" and prefix in sql)), "other_sql")
        t0 = time.perf_counter()
        r = self._con.execute(sql, params) if params is not None else self._con.execute(sql)
        self._t.setdefault("statements", {})[kind] = round(self._t.get("statements", {}).get(kind, 0)
                                                           + time.perf_counter() - t0, 3)
        return r

    def __getattr__(self, name):
        return getattr(self._con, name)


def apply(con, batch: Batch, log: list) -> None:
    t = {}
    restore = instrumented(t)
    t0 = time.perf_counter()
    try:
        report = store.apply_batch(BENCH, TimingCon(con, t), batch)
    finally:
        restore()
    total = time.perf_counter() - t0
    t["total"] = round(total, 3)
    t["commit_and_other"] = round(total - sum(t.get("upsert", {}).values()) - t.get("reference_checks", 0)
                                  - t.get("refresh_marts", 0), 3)
    entry = {"batch": batch.source.file_name, "rows": batch.counts(), "added": report.added, "seconds": t}
    log.append(entry)
    ups = ", ".join(f"{k} {v:.1f}" for k, v in t.get("upsert", {}).items())
    print(f"  apply_batch {batch.source.file_name}: {total:.1f} s (upsert: {ups}; "
          f"refs {t.get('reference_checks', 0):.1f}; "
          f"marts {t.get('refresh_marts', 0):.1f}; commit/other {t['commit_and_other']:.1f})", flush=True)
    st = t.get("statements", {})
    print("    by statement: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(st.items(), key=lambda kv: -kv[1])),
          flush=True)


def build(n: int, out: Path, batches: int, seed: int) -> dict:
    out.parent.mkdir(parents=True, exist_ok=True)
    for p in (out, Path(str(out) + ".wal")):
        if p.exists():
            p.unlink()
    timings: dict = {}
    applied: list = []
    t_all = time.perf_counter()
    g = Gen(n, seed)
    with timed("generate members and plans", timings):
        members, plans = g.members_plans()
    with timed("connect + migrate (empty db)", timings):
        con = db.open_prepared(out)
    with timed("apply members and plans", timings):
        apply(con, make_batch("bench_members_plans.csv", "nap_workbook", {"member": members, "action_plan": plans}),
              applied)
    with timed("generate commitments", timings):
        c = g.commitments()
    bounds = np.linspace(0, n, batches + 1).astype(int)
    for b in range(batches):
        lo, hi = int(bounds[b]), int(bounds[b + 1])
        cs = c.iloc[lo:hi].reset_index(drop=True)
        with timed(f"generate batch {b + 1} children", timings):
            kids = g.slice_children(cs, lo, hi)
        with timed(f"apply batch {b + 1}", timings):
            apply(con, make_batch(f"bench_commitments_{b + 1}.csv", "ogp_export", {"commitment": cs, **kids}), applied)
        del kids
    with timed("generate events, watchlist, plan figures", timings):
        counts = c.groupby("action_plan_id").size().rename("n").reset_index()
        pa = g.plan_assessments(counts)
        ev, wl = g.events_watchlist(c["commitment_id"].to_numpy(), c["member_code"].to_numpy(), max(2000, n // 30))
    with timed("apply events, watchlist, plan figures", timings):
        apply(con, make_batch("bench_events_watchlist.csv", "events",
                              {"assessment": pa, "event": ev, "watchlist": wl}), applied)
    with timed("checkpoint", timings):
        con.execute("checkpoint")
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in
              ("member", "action_plan", "commitment", "commitment_tag", "milestone", "assessment",
               "progress_update", "event", "watchlist", "source_file", "mart_commitment", "mart_milestone_status")}
    con.close()
    timings["total"] = round(time.perf_counter() - t_all, 1)
    info = {"db": str(out), "commitments": n, "seed": seed, "batches": batches, "size_bytes": out.stat().st_size,
            "row_counts": counts, "stage_seconds": timings, "apply_batch": applied,
            "machine": {"nproc": os.cpu_count(), "duckdb": duckdb.__version__, "pandas": pd.__version__,
                        "python": platform.python_version(), "platform": platform.platform()},
            "date": date.today().isoformat()}
    Path(str(out) + ".build.json").write_text(json.dumps(info, indent=2, default=str))
    print(f"built {out} ({out.stat().st_size / 1e6:,.0f} MB) in {timings['total']:.0f} s")
    print(json.dumps(counts, indent=2))
    return info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--commitments", type=int, default=600_000)
    ap.add_argument("--batches", type=int, default=4, help="commitment batches (each one apply_batch)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, help="default bench/out/scaled_<N>.duckdb")
    args = ap.parse_args(argv)
    out = args.out or OUT / f"scaled_{args.commitments}.duckdb"
    build(args.commitments, out, args.batches, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
