"""The OGP export's column catalogue: every published header, what the loader reads, and how headers match.

The 171 columns fall into four groups (identification, policy-area tags, IRM indicators with their `_` code
columns, OGP-internal analysis columns); Indicator says how one IRM column becomes assessment rows.
"""
from __future__ import annotations

from dataclasses import dataclass

from vocabulary import scales

KIND = "ogp_export"

ID = "Commitment Unique Identifier"
REQUIRED = (ID, "Country/Locality", "Code", "Action Plan ID", "Commitment Title")
SIGNATURE = ("Country/Locality", "Code", "Action Plan ID", "Commitment Title", "Full Text", "Action Plan Number",
             "Specificity", "Potential Impact", "Completion (End Of Term)", "Did It Open Government (Overall)")
TITLES = ("Commitment Title", "Short Title")  # refused over loaders.cells.TITLE_CHARS, as every loader's titles
ID_PATTERN = r"^[A-Z]{2,3}[0-9]{4}$"  # [0-9], not \d: \d also matches other scripts' digits
# The export's missing-value tokens: no data, not reviewed, not applicable. They are reasons in rating and tag
# columns, NULL in number, year and link columns, and text as written in text columns (titles, Theme, Full Text,
# institutions), where the export also writes N/A and Unclear.
TOKENS = ("ND", "NR", "NA")
MEMBER_TYPES = {"national": "national", "legacy local": "legacy_local", "local": "local", "other": "other"}
LEGACY, REFRESH = "irm_legacy", "irm_refresh"
PROGRESS_YEAR = "Report Publication Year (Progress Report)"
END_YEAR = "Report Publication Year (End Of Term)"
PLAN_RESULTS = "Potential for Results"  # present (not ND) only on refreshed-methodology plans
REPORTS = {  # (stage, refreshed plan?) -> report name; the publication year is appended when known
    ("design", False): "IRM progress report", ("design", True): "IRM action plan review",
    ("final", False): "IRM end-of-term report", ("final", True): "IRM results report",
}
STAGE_YEAR = {"design": PROGRESS_YEAR, "final": END_YEAR}

IDENTIFICATION = (
    'Commitment Unique Identifier', 'Country/Locality', 'Action Plan Number', 'Commitment Number', 'Code',
    'Region', 'National Or Local', 'Commitment Dummy', 'Year Of Submission', 'Action Plan End Year',
    'Action Plan Duration (Years)', 'Theme', 'Commitment Title', 'Short Title', 'Full Text', 'Start Date',
    'End Date', 'Lead Institution', 'Supporting Institution(s)',
)
POLICY_AREAS = (
    'Anti-Corruption and Integrity', 'Anti-corruption Institutions', 'Anti-Corruption Strategies',
    'Asset Disclosure', 'Audits', 'Beneficial Ownership', 'Conflicts Of Interest', 'Elections',
    'Political Finance', 'Lobbying', 'Open Contracting', 'Public Procurement', 'Right To Information',
    'Whistleblower Protections', 'Civic Space and Enabling Environment', 'Freedom of Assembly',
    'Freedom of Association', 'Freedom of Expression', 'Democratizing Decision-Making', 'Digital Participation',
    'Mainstreaming Participation', 'Regulatory Governance', 'Social Accountability', 'Digital Governance',
    'Automated Decision-making', 'Data Stewardship and Privacy', 'Digital Inclusion',
    'Disinformation/Misinformation', 'Online Civic Space', 'Environment & Climate', 'Climate Finance',
    'Climate Mitigation and Adaptation', 'Environmental Regulation', 'International Environmental Agreements',
    'Fiscal Openness', 'Publication Of Budget/Fiscal Information',
    'Public Participation In Budget/Fiscal Policy', 'Oversight Of Budget/Fiscal Policies',
    'Stimulus and Economic Recovery', 'Tax', 'Debt', 'Inclusion', 'Gender', 'Gender-Based Violence',
    'Economic Inclusion', 'LGBTQIA+', 'People with Disabilities', 'Youth', 'Justice', 'Access to Justice',
    'Open Justice', 'Policing & Corrections', 'Judiciary', 'Open Parliaments', 'Public Service Delivery',
    'Citizenship & Immigration', 'Education', 'Health & Nutrition', 'Infrastructure & Transport',
    'Water & Sanitation', 'Capacity Building', 'Digital Transformation', 'Legislation', 'Regulation',
    'Legislative Oversight', 'Open Data', 'Public Participation', 'Aid', 'Energy', 'Extractive Industries',
    'Land and Spatial Planning', 'Media & Telecommunications', 'Science & Technology',
    'Security & Public Safety', 'Labor', 'Private Sector', 'Subnational', 'Human Rights',
    'Open Parliament Plan', 'Sustainable Development Goals', 'Open Data (Water/Sanitation)',
    'Open Data (Health)', 'Open Data (Education)', 'Participation in Lawmaking', 'Access to information',
    'Money in Politics',
)

DERIVED = (  # OGP-internal analysis columns: recomputed by the monitor, never imported (URL, Action Plan ID excepted)
    'Most Recently Assessed', 'Star - Most Recently Assessed', 'IRM Assessed', 'Updated? (Website)',
    'Active Commitment', 'Max star', 'Ambition Assessed', 'Comp Assessed', 'DIOG Assessed', 'Midterm Only',
    'Max Completion', 'Raw Completion', 'High Completion', 'High Ambition', 'High DIOG',
    'Ambitious and complete, or DIOG', 'Ambitious but not complete', 'Complete but not ambitious',
    'Not complete or ambitious', 'Not reviewed', 'CHECKSUM', 'IRM-Based Score', 'Binding constraint', 'URL',
    'Latest IRM Report', 'Subnational in NAPs', 'Action Plan ID', 'id',
)


@dataclass(frozen=True)
class Indicator:
    """How one IRM column becomes assessment rows. methodology None: decided per row by the plan's methodology."""

    header: str
    indicator: str
    qualifier: str = ""
    scale_id: str | None = "yes_no"
    code_header: str | None = None
    methodology: str | None = LEGACY
    stage: str = "design"  # design: progress report / action plan review; final: end-of-term / results report
    code_offset: int = 0  # per-value DIOG codes sit one above the overall ones (Not Applicable takes 0)
    refresh_qualifier: str | None = None


INDICATORS = (
    Indicator("Compound", "compound"),
    Indicator("Cluster", "cluster", scale_id=None),
    Indicator("Specificity", "specificity", scale_id="specificity", code_header="_Specificity"),
    Indicator("Verifiable", "verifiable", methodology=REFRESH),
    Indicator("OGP Value Access To Information", "ogp_value", "access_to_information"),
    Indicator("OGP Value Civic Participation", "ogp_value", "civic_participation"),
    Indicator("OGP Value Public Accountability", "ogp_value", "public_accountability"),
    Indicator("OGP Value Technology", "ogp_value", "technology_and_innovation"),
    Indicator("_Relevant", "relevance", methodology=None),
    Indicator("Potential Impact", "potential_impact", scale_id="potential_impact", code_header="_Potential Impact"),
    Indicator("Completion (Progress Report)", "completion", "midterm", "completion", "_CompletionProgress"),
    Indicator("Starred (2015 Only)", "starred", "formula_2015"),
    Indicator("Starred (Current Formula) Progress Report", "starred", "current_progress"),
    Indicator(PLAN_RESULTS, "potential_for_results", scale_id="potential_for_results",
              code_header="_Potential for Results", methodology=REFRESH),
    Indicator("Cluster (AP Review)", "in_cluster", methodology=REFRESH),
    Indicator("Cluster Commitment ID(s)", "cluster_members", scale_id=None, methodology=REFRESH),
    Indicator("Completion (End Of Term)", "completion", "end_of_term", "completion", "_CompletionEndTerm",
              methodology=None, stage="final", refresh_qualifier="results_report"),
    Indicator("Change In Completion", "change_in_completion", scale_id="change_in_completion",
              code_header="_ChangeCompletion", stage="final"),
    Indicator("Early Results", "early_results", scale_id="early_results", code_header="_Early Results",
              methodology=REFRESH, stage="final"),
    Indicator("Did It Open Government (Overall)", "did_it_open_government", "overall", "did_it_open_government",
              "_OpenGovernment", stage="final"),
    Indicator("Did It Open Government (Access To Information)", "did_it_open_government", "access_to_information",
              "did_it_open_government", "_DIOGATI", stage="final", code_offset=1),
    Indicator("Did It Open Government (Civic Participation)", "did_it_open_government", "civic_participation",
              "did_it_open_government", "_DIOGCP", stage="final", code_offset=1),
    Indicator("Did It Open Government: Public Accountability", "did_it_open_government", "public_accountability",
              "did_it_open_government", "_DIOGPA", stage="final", code_offset=1),
    Indicator("Starred (Current Formula) End of Term", "starred", "current_end_of_term", stage="final"),
    Indicator("Carried Forward", "carried_forward", stage="final"),
)
IRM = (PROGRESS_YEAR, END_YEAR) + tuple(i.header for i in INDICATORS) + tuple(
    i.code_header for i in INDICATORS if i.code_header)
KNOWN = IDENTIFICATION + POLICY_AREAS + IRM + DERIVED
NOT_READ = tuple(h for h in DERIVED if h not in ("URL", "Action Plan ID")) + ("Commitment Dummy",)


def header_key(header: object) -> str:
    """A header whatever its case, accents, spacing or BOM; unlike loaders.reading.header_key, '_' stays
    significant ('_Specificity' is the code column beside 'Specificity')."""
    return scales.fold(str(header).replace("\ufeff", ""))


CANONICAL = {header_key(h): h for h in KNOWN}  # header key -> the header as OGP publishes it


def matches(headers: list[str]) -> bool:
    """An OGP export has the commitment id column and most of the signature columns."""
    keys = {header_key(h) for h in headers}
    return header_key(ID) in keys and sum(header_key(h) in keys for h in SIGNATURE) >= 3
