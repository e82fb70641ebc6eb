"""Generate OGP-export-shaped data at scale, for the import benchmark.

Same 171 headers in the same order as the real export, ~75 members, many plans, the real mix of legacy,
refreshed-methodology and not-yet-reviewed plans (ND/NR/NA as the export writes them), label/code pairs that
agree, every date shape seen in the real file, multi-line Full Text of 2-5 KB (about 1 in 60 near 20 KB),
and Excel float artefacts in Commitment Number. Deterministic for a given seed.

    python -m bench.generate --rows 60000 --csv bench/out/ogp_60000.csv --xlsx bench/out/ogp_60000.xlsx
"""
from __future__ import annotations

import argparse
import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl

from loaders.ogp_export import DERIVED, IDENTIFICATION, POLICY_AREAS

IRM_COLUMNS = (
    "Report Publication Year (Progress Report)", "Compound", "Cluster", "Specificity", "_Specificity", "Verifiable",
    "OGP Value Access To Information", "OGP Value Civic Participation", "OGP Value Public Accountability",
    "OGP Value Technology", "_Relevant", "Potential Impact", "_Potential Impact", "Completion (Progress Report)",
    "_CompletionProgress", "Starred (2015 Only)", "Starred (Current Formula) Progress Report",
    "Potential for Results", "_Potential for Results", "Cluster (AP Review)", "Cluster Commitment ID(s)",
    "Report Publication Year (End Of Term)", "Completion (End Of Term)", "_CompletionEndTerm",
    "Change In Completion", "_ChangeCompletion", "Early Results", "_Early Results",
    "Did It Open Government (Overall)", "_OpenGovernment", "Did It Open Government (Access To Information)",
    "_DIOGATI", "Did It Open Government (Civic Participation)", "_DIOGCP",
    "Did It Open Government: Public Accountability", "_DIOGPA", "Starred (Current Formula) End of Term",
    "Carried Forward",
)
HEADERS = IDENTIFICATION + POLICY_AREAS + IRM_COLUMNS + DERIVED
assert len(HEADERS) == 171

# (name, Code, id prefix, region, National Or Local)
MEMBERS = [
    ("Albania", "ALB", "AL", "Europe"), ("Armenia", "ARM", "AM", "Asia and the Pacific"),
    ("Argentina", "ARG", "AR", "Americas"), ("Australia", "AUS", "AU", "Asia and the Pacific"),
    ("Brazil", "BRA", "BR", "Americas"), ("Bulgaria", "BGR", "BG", "Europe"), ("Canada", "CAN", "CA", "Americas"),
    ("Chile", "CHL", "CL", "Americas"), ("Colombia", "COL", "CO", "Americas"), ("Costa Rica", "CRI", "CR", "Americas"),
    ("Croatia", "HRV", "HR", "Europe"), ("Czech Republic", "CZE", "CZ", "Europe"), ("Denmark", "DNK", "DK", "Europe"),
    ("Dominican Republic", "DOM", "DO", "Americas"), ("Ecuador", "ECU", "EC", "Americas"),
    ("El Salvador", "SLV", "SV", "Americas"), ("Estonia", "EST", "EE", "Europe"), ("Finland", "FIN", "FI", "Europe"),
    ("France", "FRA", "FR", "Europe"), ("Georgia", "GEO", "GE", "Europe"), ("Germany", "DEU", "DE", "Europe"),
    ("Ghana", "GHA", "GH", "Africa and the Middle East"), ("Greece", "GRC", "GR", "Europe"),
    ("Guatemala", "GTM", "GT", "Americas"), ("Honduras", "HND", "HN", "Americas"),
    ("Indonesia", "IDN", "ID", "Asia and the Pacific"), ("Ireland", "IRL", "IE", "Europe"),
    ("Italy", "ITA", "IT", "Europe"), ("Jordan", "JOR", "JO", "Africa and the Middle East"),
    ("Kenya", "KEN", "KE", "Africa and the Middle East"), ("Kyrgyz Republic", "KGZ", "KG", "Asia and the Pacific"),
    ("Latvia", "LVA", "LV", "Europe"), ("Liberia", "LBR", "LR", "Africa and the Middle East"),
    ("Lithuania", "LTU", "LT", "Europe"), ("Malawi", "MWI", "MW", "Africa and the Middle East"),
    ("Mexico", "MEX", "MX", "Americas"), ("Moldova", "MDA", "MD", "Europe"),
    ("Mongolia", "MNG", "MN", "Asia and the Pacific"), ("Montenegro", "MNE", "ME", "Europe"),
    ("Morocco", "MAR", "MO", "Africa and the Middle East"), ("Netherlands", "NLD", "NL", "Europe"),
    ("New Zealand", "NZL", "NZ", "Asia and the Pacific"), ("Nigeria", "NGA", "NG", "Africa and the Middle East"),
    ("North Macedonia", "MKD", "MK", "Europe"), ("Norway", "NOR", "NO", "Europe"),
    ("Pakistan", "PAK", "PK", "Asia and the Pacific"), ("Panama", "PAN", "PA", "Americas"),
    ("Papua New Guinea", "PNG", "PNG", "Asia and the Pacific"), ("Paraguay", "PRY", "PY", "Americas"),
    ("Peru", "PER", "PE", "Americas"), ("Philippines", "PHL", "PH", "Asia and the Pacific"),
    ("Portugal", "PRT", "PT", "Europe"), ("Romania", "ROU", "RO", "Europe"), ("Serbia", "SRB", "RS", "Europe"),
    ("Sierra Leone", "SLE", "SL", "Africa and the Middle East"), ("Slovak Republic", "SVK", "SK", "Europe"),
    ("South Africa", "ZAF", "ZA", "Africa and the Middle East"), ("Spain", "ESP", "ES", "Europe"),
    ("Sri Lanka", "LKA", "LK", "Asia and the Pacific"), ("Sweden", "SWE", "SE", "Europe"),
    ("Tunisia", "TUN", "TN", "Africa and the Middle East"), ("Ukraine", "UKR", "UA", "Europe"),
    ("United Kingdom", "GBR", "UK", "Europe"), ("United States", "USA", "US", "Americas"),
    ("Uruguay", "URY", "UY", "Americas"),
]
LOCALS = [
    ("Buenos Aires, Argentina", "ARBA", "BUE", "Americas", "Legacy Local"),
    ("Jalisco, Mexico", "MXJL", "JAL", "Americas", "Legacy Local"),
    ("Madrid, Spain", "ESMA", "MAD", "Europe", "Legacy Local"),
    ("Scotland, United Kingdom", "GBSC", "SCO", "Europe", "Legacy Local"),
    ("Cotabato, Philippines", "PHCT", "COT", "Asia and the Pacific", "Local"),
    ("Kaduna State, Nigeria", "NGKD", "KAD", "Africa and the Middle East", "Local"),
    ("Elgeyo Marakwet, Kenya", "KEEM", "ELG", "Africa and the Middle East", "Local"),
    ("Tbilisi, Georgia", "GETB", "TBI", "Europe", "Local"),
    ("Open Parliament Network", "OPN", "OPN", "Europe", "Other"),
    ("Austin, United States", "USAU", "AUS", "Americas", "Local"),
]
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WORDS = [
    "the", "commitment", "aims", "to", "strengthen", "transparency", "and", "citizen", "participation", "in",
    "parliament", "by", "publishing", "open", "data", "on", "legislative", "activity", "budget", "execution", "public",
    "procurement", "and", "lobbying", "register", "improving", "access", "to", "information", "through", "a", "single",
    "portal", "training", "civil", "servants", "consultation", "with", "civil", "society", "organisations",
    "monitoring", "implementation", "of", "the", "action", "plan", "establishing", "a", "working", "group", "reviewing",
    "the", "legal", "framework", "beneficial", "ownership", "disclosure", "whistleblower", "protection", "conflict",
    "of", "interest", "declarations", "municipal", "services", "grievance", "mechanism", "digital", "platform",
    "interoperability", "standards", "open", "contracting", "data", "standard", "milestones", "include", "drafting",
    "the", "regulation", "adoption", "by", "the", "council", "of", "ministers", "public", "hearings", "evaluation",
    "report", "ministry", "of", "justice", "national", "assembly", "supreme", "audit", "institution", "ombudsman",
    "office",
]
WORDS_ES = [
    "el", "compromiso", "busca", "fortalecer", "la", "transparencia", "y", "la", "participación", "ciudadana",
    "mediante", "la", "publicación", "de", "datos", "abiertos", "sobre", "la", "gestión", "pública", "información",
    "presupuestaria", "rendición", "de", "cuentas", "acceso", "a", "la", "información", "pública", "mesa", "de",
    "trabajo", "con", "organizaciones", "de", "la", "sociedad", "civil",
]
SPANISH = {"ARG", "CHL", "COL", "CRI", "DOM", "ECU", "SLV", "GTM", "HND", "MEX", "PAN", "PRY", "PER", "URY", "ESP",
           "ARBA", "MXJL", "ESMA"}
NEWER_TAGS = {"Digital Participation", "Mainstreaming Participation", "Digital Transformation"}

COMPLETION = (("Not Started", 2), ("Limited", 3), ("Substantial", 4), ("Complete", 5))
DIOG = (("Worsens", 0), ("Did Not Change", 1), ("Marginal", 2), ("Major", 3), ("Outstanding", 4))


@dataclass(frozen=True)
class Plan:
    member: tuple[str, str, str, str, str]
    number: int
    submitted: int
    duration: int

    @property
    def plan_id(self) -> str:
        return f"AP_{self.member[1]}{self.number:02d}"

    @property
    def refreshed(self) -> bool:
        return self.submitted >= 2020

    @property
    def reviewed(self) -> bool:
        return self.submitted <= 2022


class Generator:
    """One seeded random source and the pools drawn from; rows() yields the export's records in order."""

    def __init__(self, seed: int):
        self.rnd = random.Random(seed)
        self.paragraphs = [self._paragraph(WORDS) for _ in range(2500)]
        self.paragraphs_es = [self._paragraph(WORDS_ES) for _ in range(600)]

    def _paragraph(self, words: tuple[str, ...] | list[str]) -> str:
        sentences = []
        for _ in range(self.rnd.randint(2, 8)):
            sentence = " ".join(self.rnd.choices(words, k=self.rnd.randint(8, 24)))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        text = " ".join(sentences)
        return f"- {text}" if self.rnd.random() < 0.2 else text

    def plans(self, rows: int) -> list[Plan]:
        members = [m + ("National",) for m in MEMBERS] + LOCALS
        plans = []
        for member in members:
            start = self.rnd.choice((2011, 2012, 2013, 2014, 2016, 2018))
            count = self.rnd.randint(2, 7) if member[4] == "National" else self.rnd.randint(1, 3)
            year = start
            for number in range(1, count + 1):
                duration = self.rnd.choices((2, 4, 1, 3), (86, 6, 5, 3))[0]
                if year > 2024:
                    break
                plans.append(Plan(member, number, year, duration))
                year += max(duration, 2)
        return plans

    def rows(self, n: int) -> Iterator[list[str]]:
        plans = self.plans(n)
        serial: dict[str, int] = {}
        weights = [3 if p.member[4] == "National" else 1 for p in plans]
        chosen = sorted(self.rnd.choices(range(len(plans)), weights, k=n))
        per_plan: dict[int, int] = {}
        for row_id, plan_index in enumerate(chosen, start=1):
            plan = plans[plan_index]
            code = plan.member[1]
            serial[code] = serial.get(code, 0) + 1
            per_plan[plan_index] = per_plan.get(plan_index, 0) + 1
            yield self.row(plan, serial[code], per_plan[plan_index], row_id)

    def row(self, plan: Plan, serial: int, number: int, row_id: int) -> list[str]:
        name, code, prefix, region, kind = plan.member
        cid = f"{prefix}{serial:04d}"
        cells = {
            "Commitment Unique Identifier": cid, "Country/Locality": name, "Action Plan Number": str(plan.number),
            "Commitment Number": self.commitment_number(number), "Code": code, "Region": region,
            "National Or Local": kind, "Commitment Dummy": "1", "Year Of Submission": str(plan.submitted),
            "Action Plan End Year": str(plan.submitted + plan.duration),
            "Action Plan Duration (Years)": str(plan.duration),
            "Theme": self.rnd.choice(("NA", "NA", "Open Parliament", "Transparency", "Access to Information",
                                      "Fiscal Openness", "Anti-corruption", "Civic participation")),
            "Commitment Title": self.title(code), "Short Title": self.title(code)[:60],
            "Full Text": self.full_text(code),
            "Start Date": self.date(plan.submitted, start=True), "End Date": self.date(plan.submitted + plan.duration),
            "Lead Institution": self.rnd.choice(("Ministry of Justice", "National Assembly", "NA",
                                                 "Ministry of Finance", "Office of the Prime Minister",
                                                 "Parliament  ")),
            "Supporting Institution(s)": self.rnd.choice(("NA", "N/A", "Unclear", "CSOs, private sector, academia",
                                                          "Transparency International chapter;\nopen data network")),
            "URL": f"https://opengovpartnership.org/members/{slug(name)}/commitments/{cid.lower()}",
            "Action Plan ID": plan.plan_id, "id": str(row_id),
        }
        cells.update(self.tags(plan))
        cells.update(self.irm(plan, cid))
        cells.update(self.derived(cells))
        return [cells.get(h, "0") for h in HEADERS]

    def commitment_number(self, number: int) -> str:
        roll = self.rnd.random()
        if roll < 0.7:
            return str(number)
        if roll < 0.95:
            decimal = f"{number}.{self.rnd.randint(1, 9)}"
            return format(float(decimal), ".17g") if self.rnd.random() < 0.4 else decimal
        return self.rnd.choice((f"{number}.2.5", f"B.{number}.A", f"SC{number}", f"{number}A"))

    def title(self, code: str) -> str:
        words = WORDS_ES if code in SPANISH else WORDS
        text = " ".join(self.rnd.choices(words, k=self.rnd.randint(4, 14)))
        return text[0].upper() + text[1:]

    def full_text(self, code: str) -> str:
        pool = self.paragraphs_es if code in SPANISH and self.rnd.random() < 0.6 else self.paragraphs
        target = self.rnd.randint(15_000, 21_000) if self.rnd.random() < 1 / 60 else self.rnd.randint(1_800, 4_600)
        parts, size = [], 0
        while size < target:
            part = self.rnd.choice(pool)
            parts.append(part)
            size += len(part) + 1
        return "\n".join(parts)[:target].rstrip() + self.rnd.choice(("", "", " ", "\n"))

    def date(self, year: int, start: bool = False) -> str:
        month = self.rnd.randint(1, 12)
        day = 1 if start else self.rnd.choice((28, 30, 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30))
        if month == 2 and not start:
            day = 28
        shape = self.rnd.choices(range(12), (50, 6, 10, 3, 3, 2, 2, 2, 8, 6, 2, 1))[0]
        return (
            f"{month}/{day}/{year}", f"{month}/{day}/{year % 100}", f"{MONTHS[month - 1]} {year}", str(year),
            f"{('I', 'II', 'III', 'IV')[(month - 1) // 3]} quarter of {year}", f"Quarter {(month - 1) // 3 + 1} {year}",
            str(excel_serial(year, month, day)), f"{day}/{month}/{year}" if day > 12 else f"{month}/{day}/{year}",
            "NA", f"{month}/{day}/{year}", self.rnd.choice(("Permanent activity", "Underway", "Ongoing")),
            f"7/{self.rnd.randint(10, 25)}/1905",
        )[shape]

    def tags(self, plan: Plan) -> dict[str, str]:
        cells = {}
        for tag in POLICY_AREAS:
            if tag in NEWER_TAGS and plan.submitted < 2021:
                cells[tag] = "ND"
            else:
                cells[tag] = "1" if self.rnd.random() < 0.06 else "0"
        if self.rnd.random() < 0.002:
            cells["Youth"] = "NA"
        return cells

    def irm(self, plan: Plan, cid: str) -> dict[str, str]:
        if not plan.reviewed:
            return {h: "NR" for h in IRM_COLUMNS}
        cells = {h: "ND" for h in IRM_COLUMNS}
        cells.update(self.refreshed(plan, cid) if plan.refreshed else self.legacy(plan))
        return cells

    def legacy(self, plan: Plan) -> dict[str, str]:
        r = self.rnd
        spec = r.choices(range(4), (2, 15, 40, 43))[0]
        values = [r.random() < p for p in (0.55, 0.45, 0.3, 0.3)]
        relevant = any(values[:3])
        impact = r.choices(range(4), (4, 30, 42, 24))[0]
        midterm = r.random() < 0.85
        mid = r.choices(COMPLETION, (12, 38, 32, 18))[0]
        end = r.choices(COMPLETION, (6, 32, 36, 26))[0] if r.random() < 0.9 else ("Unclear", 1)
        change = end[1] - mid[1]
        star = spec >= 2 and relevant and impact == 3
        overall = r.choices(DIOG, (1, 40, 38, 17, 4))[0] if r.random() < 0.9 else ("No early results to report yet", 1)
        cells = {
            "Report Publication Year (Progress Report)": str(plan.submitted + 1),
            "Compound": r.choice(("ND", "0", "0", "1")), "Cluster": r.choice(("ND", "ND", "1", "2", "B", "1.2")),
            "Specificity": ("None", "Low", "Medium", "High")[spec], "_Specificity": str(spec),
            "Verifiable": "Yes" if spec >= 2 else "No",
            "OGP Value Access To Information": str(int(values[0])),
            "OGP Value Civic Participation": str(int(values[1])),
            "OGP Value Public Accountability": str(int(values[2])), "OGP Value Technology": str(int(values[3])),
            "_Relevant": str(int(relevant)),
            "Potential Impact": ("None", "Minor", "Moderate", "Transformative")[impact],
            "_Potential Impact": str(impact),
            "Completion (Progress Report)": mid[0] if midterm else "NA",
            "_CompletionProgress": str(mid[1]) if midterm else "NA",
            "Starred (2015 Only)": str(int(star or (spec >= 2 and relevant and impact == 2 and mid[1] >= 4))),
            "Starred (Current Formula) Progress Report": str(int(star and mid[1] >= 4)) if midterm else "NA",
        }
        if plan.submitted + plan.duration < 2023 and r.random() < 0.85:
            cells.update({
                "Report Publication Year (End Of Term)": str(plan.submitted + plan.duration + 1),
                "Completion (End Of Term)": end[0], "_CompletionEndTerm": str(end[1]),
                "Change In Completion": ("No Change", "Increase", "Decrease")[(change > 0) + 2 * (change < 0)]
                if midterm else "ND",
                "_ChangeCompletion": str(change) if midterm else "ND",
                "Did It Open Government (Overall)": overall[0], "_OpenGovernment": str(overall[1]),
                "Starred (Current Formula) End of Term": str(int(star and end[1] >= 4)),
                "Carried Forward": r.choice(("0", "0", "1")),
            })
            for header, code, relevant_value in (
                ("Did It Open Government (Access To Information)", "_DIOGATI", values[0]),
                ("Did It Open Government (Civic Participation)", "_DIOGCP", values[1]),
                ("Did It Open Government: Public Accountability", "_DIOGPA", values[2]),
            ):
                label, number = r.choices(DIOG, (1, 40, 38, 17, 4))[0] if relevant_value else ("Not Applicable", -1)
                cells[header], cells[code] = label, str(number + 1)
        else:
            cells.update({h: "NR" for h in IRM_COLUMNS[21:]})
        return cells

    def refreshed(self, plan: Plan, cid: str) -> dict[str, str]:
        r = self.rnd
        results = r.choices((("Unclear", 0), ("Modest", 1), ("Substantial", 2)), (18, 55, 27))[0]
        clustered = r.random() < 0.25
        prefix, serial = re.match(r"([A-Z]+)(\d+)", cid).groups()
        members = ", ".join(f"{prefix}{int(serial) + k:04d}" for k in range(r.randint(2, 4)))
        cells = {
            "Report Publication Year (Progress Report)": str(plan.submitted + 1),
            "Verifiable": "Yes" if r.random() < 0.93 else "No", "_Relevant": "1" if r.random() < 0.92 else "0",
            "Potential for Results": results[0], "_Potential for Results": str(results[1]),
            "Cluster (AP Review)": str(int(clustered)), "Cluster Commitment ID(s)": members if clustered else "NA",
        }
        if plan.submitted + plan.duration <= 2023:
            end = r.choices(COMPLETION, (8, 35, 35, 22))[0] if r.random() < 0.95 else ("Unclear", 1)
            early = r.choices((("No notable results", 0), ("Moderate", 1), ("Significant", 2)), (55, 30, 15))[0]
            cells.update({
                "Report Publication Year (End Of Term)": str(plan.submitted + plan.duration + 1),
                "Completion (End Of Term)": end[0], "_CompletionEndTerm": str(end[1]),
                "Early Results": early[0], "_Early Results": str(early[1]),
            })
        else:
            cells.update({h: "NR" for h in ("Report Publication Year (End Of Term)", "Completion (End Of Term)",
                                             "_CompletionEndTerm", "Early Results", "_Early Results")})
        return cells

    def derived(self, cells: dict[str, str]) -> dict[str, str]:
        r = self.rnd
        flags = {h: str(int(r.random() < 0.3)) for h in DERIVED if h not in ("URL", "Action Plan ID", "id")}
        flags.update({
            "Updated? (Website)": r.choice(("0", "0", "7/19/2019", "7/29/2019")),
            "Max star": r.choice(("ND", "0", "1", "NA")), "Max Completion": r.choice(("ND", "NR", "1", "2", "3")),
            "Raw Completion": cells.get("_CompletionEndTerm", "ND"),
            "IRM-Based Score": r.choice(("-1", "1", "2", "3", "4")),
            "Binding constraint": r.choice(("PotImp", "FALSE", "NR", "Cmpl", "STAR", "Spec", "Rel")),
            "Latest IRM Report": r.choice(("NA", "NA", "2019", "2020")),
        })
        return flags


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def excel_serial(year: int, month: int, day: int) -> int:
    return (date(year, month, day) - date(1899, 12, 30)).days


def write_csv(rows: Iterator[list[str]], path: Path) -> None:
    """UTF-8 without BOM, CRLF, RFC-4180 quoting: as the real export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(rows)


def write_xlsx(rows: Iterator[list[str]], path: Path) -> None:
    """Whole numbers as numeric cells, like a spreadsheet download; everything else as text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Commitment data")
    sheet.append(list(HEADERS))
    whole = re.compile(r"-?(0|[1-9]\d{0,8})")
    for row in rows:
        sheet.append([int(v) if whole.fullmatch(v) else v for v in row])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--xlsx", type=Path)
    args = parser.parse_args()
    if args.csv:
        write_csv(Generator(args.seed).rows(args.rows), args.csv)
    if args.xlsx:
        write_xlsx(Generator(args.seed).rows(args.rows), args.xlsx)


if __name__ == "__main__":
    main()
