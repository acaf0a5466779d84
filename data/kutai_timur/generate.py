#!/usr/bin/env python
"""Generate the ILLUSTRATIVE Kalimantan Timur smart-city dataset (data/kutai_timur/).

Usage::

    python data/kutai_timur/generate.py            # rewrites the files next to this script
    python data/kutai_timur/generate.py --out DIR  # writes them into DIR instead

What it writes (byte-for-byte deterministic: seeded ``numpy.random.Generator``, fixed column
order, sorted rows, fixed number formatting, ``\\n`` line ends, UTF-8 without BOM):

- ``dataset.toml``      metadata, default methods and sources;
- ``assessments.csv``   item scores (whole levels 1-5) of the self-assessment and of three
                        assessors, for the 10 regencies/cities of Kalimantan Timur, 2021-2024;
- ``observations.csv``  the verified item scores (median of the available assessor scores)
                        plus Kabupaten Kutai Timur's SPBE indicator levels 2021-2023;
- ``targets.csv``       Kutai Timur masterplan 2022-2027 targets (illustrative): the official
                        index (FINAL), pillars, elements and quick wins; and a province-wide
                        FINAL target (``region = *``);
- ``regions.csv``       the kind (kabupaten/kota) and province of each region (real);
- ``published.csv``     FINAL, the five evaluation components, SCI and the six pillars for every
                        region and year, computed here with plain arithmetic and rounded to two
                        decimals as publications do, plus Kutai Timur's REAL published SPBE index.

The script deliberately does NOT import ``smartcity_eval``: it computes the "published" values
with its own plain arithmetic, so that the library's results can be checked against it.
It reads the framework trees from ``data/frameworks/*/framework.csv`` with the csv module.

Model of the item scores (all levels on the Kominfo 1-5 maturity scale):

    true level T[r, i, y] = base[r] + kind_effect[i] + item_effect[i] + u[r, i]
                            + drift[r] * (y - 2021) + v[r, i, y]
    assessor a:  round(T + bias[a] + N(0, 0.40)), clipped to 1..5
    self:        round(T + overclaim[r] + N(0, 0.45)), clipped to 1..5

References: Kominfo "Gerakan Menuju 100 Smart City" evaluation (final index =
0.10 baseline + 0.20 output + 0.30 outcome + 0.20 impact + 0.20 quick win, the weights that
reproduce Kota Kediri 2022); SPBE index per PermenPANRB 59/2020 (index = sum of weight x level).
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FRAMEWORKS = HERE.parent / "frameworks"

SEED = 2024
YEARS = (2021, 2022, 2023, 2024)

# region -> (expected verified level in 2021, self-assessment over-claim in levels)
REGIONS: dict[str, tuple[float, float]] = {
    "Kabupaten Berau": (2.55, 0.45),
    "Kabupaten Kutai Barat": (2.25, 0.80),
    "Kabupaten Kutai Kartanegara": (2.65, 0.50),
    "Kabupaten Kutai Timur": (2.50, 0.55),
    "Kabupaten Mahakam Ulu": (2.05, 0.90),
    "Kabupaten Paser": (2.35, 0.45),
    "Kabupaten Penajam Paser Utara": (2.30, 0.70),
    "Kota Balikpapan": (2.95, 0.35),
    "Kota Bontang": (2.85, 0.40),
    "Kota Samarinda": (2.95, 0.45),
}
DRIFT_RANGE = (0.15, 0.30)  # upward drift per year, drawn per region
# kind of item -> shift of the true level: plans and policies in place and quick wins score
# higher, measured effects lower (the pattern of the published Kota Kediri 2022 dimensions,
# where impact is the lowest). The kind is read from the item (item_kind), NOT from the
# evaluation dimension it sits in, so that re-mapping items to dimensions (issue #12) moves
# the published dimension scores but not a single item score.
KIND_EFFECT = {
    "readiness": 0.30,  # .01: a plan, policy or register in place
    "delivery": 0.10,  # .02: a system or service delivered
    "use": -0.05,  # .03: its use
    "measured": -0.35,  # .04, or a name ending in "measured": a measured effect
    "quick_win": 0.30,  # a name starting with "Quick win:"
}
ASSESSOR_BIAS = {"ASR-1": 0.05, "ASR-2": 0.10, "ASR-3": -0.25}  # ASR-3 is the strict one
ASSESSOR_SD = 0.40
SELF_SD = 0.45
ITEM_SD = 0.25
REGION_ITEM_SD = 0.35
YEAR_NOISE_SD = 0.12
P_UNVERIFIED = 0.03  # item not verified at all (no assessor score): value missing
P_ASSESSOR_MISSING = 0.05  # one assessor did not score the item

FOCUS = "Kabupaten Kutai Timur"
GENERATED = "generate.py"

# Kabupaten Kutai Timur's published SPBE index (regional news reports; see README.md)
SPBE_PUBLISHED = {2021: "1.00", 2022: "2.79", 2023: "3.20"}
SPBE_SOURCE = {
    2021: "Regional news reports on Kutai Timur's SPBE evaluation (year inferred from "
    "'two years ago ... then ...')",
    2022: "Regional news reports on Kutai Timur's SPBE evaluation (year inferred from "
    "'two years ago ... then ...')",
    2023: "Regional news reports on Kutai Timur's SPBE evaluation (3.20, predicate Baik, "
    "2nd of 10 regencies/cities in Kalimantan Timur)",
}
SPBE_MARGIN = 0.004  # the searched index must lie within this of the published value
# mean latent SPBE level per domain in 2022 (illustrative)
SPBE_DOMAIN_MEAN_2022 = {"SPBE.D1": 2.6, "SPBE.D2": 2.7, "SPBE.D3": 2.3, "SPBE.D4": 3.1}
SPBE_STEP_2023 = 0.45  # chance an indicator gains one level from 2022 to 2023

PUBLISHED_SOURCE = (
    "illustrative: computed by generate.py from observations.csv (not an official publication)"
)

DATASET_TOML = """\
title = "Kalimantan Timur smart-city evaluation 2021-2024 (illustrative)"
title_id = "Evaluasi smart city Kalimantan Timur 2021-2024 (ilustratif)"
description = \"\"\"ILLUSTRATIVE DATA. Item scores of the Kominfo smart-city evaluation \
(self-assessment, three assessors, verified median) for the 10 regencies/cities of \
Kalimantan Timur, 2021-2024, generated by generate.py (seed 2024); Kabupaten Kutai Timur's \
masterplan 2022-2027 targets (illustrative) and SPBE indicator levels 2021-2023 (illustrative \
levels that reproduce the REAL published SPBE index 1.00, 2.79, 3.20). See README.md.\"\"\"
description_id = \"\"\"DATA ILUSTRATIF. Skor butir evaluasi smart city Kominfo (penilaian \
mandiri, tiga asesor, median terverifikasi) untuk 10 kabupaten/kota di Kalimantan Timur, \
2021-2024, dibangkitkan oleh generate.py (seed 2024); target masterplan 2022-2027 Kabupaten \
Kutai Timur (ilustratif) dan level indikator SPBE 2021-2023 (level ilustratif yang \
mereproduksi indeks SPBE NYATA yang dipublikasikan: 1,00; 2,79; 3,20). Lihat README.md.\"\"\"
framework = "kominfo_smart_city"
frameworks = ["kominfo_components", "spbe_2020"]
illustrative = true
lang = "id"
note_lang = "en"  # the language of the note column of observations.csv
timezone = "Asia/Makassar"  # WITA: Kalimantan Timur

[methods]
normalise = "none"
aggregate = "arithmetic"
scope = "year"
min_coverage = 0
consensus = "median"
# the headline index: Kominfo's "nilai final" (the five weighted dimensions)
index_framework = "kominfo_components"

[sources]
kominfo_programme = "Kementerian Komunikasi dan Informatika, Gerakan Menuju 100 Smart City; \
Buku Panduan Penyusunan Masterplan Smart City (Ditjen Aplikasi Informatika, 2021): six \
dimensions with three elements each."
kominfo_components = "Final index = 0.10 baseline + 0.20 output + 0.30 outcome + 0.20 impact \
+ 0.20 quick win: the weights that reproduce Kota Kediri 2022 (bangsaonline.com/amp/berita/113379)."
spbe = "Peraturan Menteri PANRB No. 59 Tahun 2020 tentang Pemantauan dan Evaluasi Sistem \
Pemerintahan Berbasis Elektronik: 47 indicators, weights and predicates."
spbe_kutai_timur = "Regional news reports: SPBE index of Kabupaten Kutai Timur 3.20 (Baik) in \
2023, 2nd of 10 in Kalimantan Timur, up from 1.00 and 2.79 (2021 and 2022, years inferred)."
kutai_timur_smart_city = "Kabupaten Kutai Timur joined Gerakan Menuju 100 Smart City in the \
2018 cohort (MoU 8 May 2018); evaluated Dec 2021, Oct 2022, Nov 2023 (with the 2022-2027 \
masterplan) and Jun 2024; 2021 quick wins: Satu Data portal, madu kelulut, PBB online, \
digital learning, bank sampah."
generated = "All item scores, assessor scores, targets and the Kominfo published values are \
ILLUSTRATIVE, generated by generate.py (numpy default_rng, seed 2024)."
"""


# ---------------------------------------------------------------------------------------------
# frameworks (read with the csv module only)
# ---------------------------------------------------------------------------------------------
def read_framework(name: str, root: Path = FRAMEWORKS) -> list[dict[str, str]]:
    """Rows of ``root/<name>/framework.csv`` as dicts of strings, in file order."""
    with open(root / name / "framework.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def children(rows: Sequence[dict[str, str]]) -> dict[str, list[str]]:
    """Parent code -> child codes in file order (the root's parent is '')."""
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["parent"], []).append(r["code"])
    return out


def effective_weights(rows: Sequence[dict[str, str]]) -> dict[str, float]:
    """Leaf code -> product up the tree of weight / sum of sibling weights."""
    weight = {r["code"]: float(r["weight"] or 1) for r in rows}
    parent = {r["code"]: r["parent"] for r in rows}
    kids = children(rows)
    out = {}
    for code in weight:
        if code in kids:
            continue
        w, c = 1.0, code
        while parent[c]:
            w *= weight[c] / sum(weight[s] for s in kids[parent[c]])
            c = parent[c]
        out[code] = w
    return out


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------
def item_kind(code: str, name: str) -> str:
    """The kind of an item (a key of KIND_EFFECT), from its code's last part and its name."""
    if name.startswith("Quick win:"):
        return "quick_win"
    suffix = code.rsplit(".", 1)[-1]
    if suffix == "04" or name.endswith(" measured"):
        return "measured"
    return {"01": "readiness", "02": "delivery"}.get(suffix, "use")


def level(x: float) -> int:
    """Round a latent level to a whole maturity level 1..5 (half up)."""
    return int(min(5, max(1, np.floor(x + 0.5))))


def median(values: Sequence[float]) -> float | None:
    """Median of a short list (mean of the middle two for an even count); None if empty."""
    if not values:
        return None
    s = sorted(values)
    n = len(s)
    return float(s[n // 2]) if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def mean(values: Iterable[float | None]) -> float | None:
    """Arithmetic mean of the non-missing values; None if all are missing."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def round2(x: float) -> str:
    """Two decimals, half up (as a spreadsheet's ROUND does), e.g. 3.315 -> '3.32'."""
    return str(Decimal(f"{x:.9f}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with '\\n' line ends and minimal quoting."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# the generator
# ---------------------------------------------------------------------------------------------
def generate_assessments(
    rng: np.random.Generator, items: Sequence[str], kind: dict[str, str]
) -> dict[tuple[str, int, str], dict[str, int]]:
    """(region, year, item) -> {assessor: whole level}; 'self' is the self-assessment."""
    regions = list(REGIONS)
    n_r, n_i, n_y = len(regions), len(items), len(YEARS)
    drift = rng.uniform(*DRIFT_RANGE, size=n_r)
    item_eff = rng.normal(0.0, ITEM_SD, size=n_i)
    region_item = rng.normal(0.0, REGION_ITEM_SD, size=(n_r, n_i))
    year_noise = rng.normal(0.0, YEAR_NOISE_SD, size=(n_r, n_i, n_y))
    assessors = list(ASSESSOR_BIAS)
    asr_noise = rng.normal(0.0, ASSESSOR_SD, size=(n_r, n_i, n_y, len(assessors)))
    self_noise = rng.normal(0.0, SELF_SD, size=(n_r, n_i, n_y))
    unverified = rng.random(size=(n_r, n_i, n_y)) < P_UNVERIFIED
    asr_missing = rng.random(size=(n_r, n_i, n_y, len(assessors))) < P_ASSESSOR_MISSING

    out: dict[tuple[str, int, str], dict[str, int]] = {}
    for r, region in enumerate(regions):
        base, overclaim = REGIONS[region]
        for i, item in enumerate(items):
            for y, year in enumerate(YEARS):
                true = (
                    base
                    + KIND_EFFECT[kind[item]]
                    + item_eff[i]
                    + region_item[r, i]
                    + drift[r] * (year - YEARS[0])
                    + year_noise[r, i, y]
                )
                scores = {"self": level(true + overclaim + self_noise[r, i, y])}
                if not unverified[r, i, y]:
                    for a, name in enumerate(assessors):
                        if not asr_missing[r, i, y, a]:
                            scores[name] = level(true + ASSESSOR_BIAS[name] + asr_noise[r, i, y, a])
                out[(region, year, item)] = scores
    return out


def spbe_index(levels: dict[str, int], weights: dict[str, float]) -> float:
    """SPBE index = sum of effective weight x level (PermenPANRB 59/2020)."""
    return sum(weights[c] * levels[c] for c in weights)


def search_spbe(
    rng: np.random.Generator, spbe_rows: Sequence[dict[str, str]]
) -> dict[int, dict[str, int]]:
    """Illustrative SPBE levels of Kutai Timur whose index matches the published values.

    2021: every indicator at level 1 (the only way to publish 1.00 with whole levels).
    2022: levels drawn around a domain mean, redrawn until the index is within SPBE_MARGIN of
    2.79. 2023: each 2022 level gains one level with probability SPBE_STEP_2023 (never falls),
    redrawn until the index is within SPBE_MARGIN of 3.20.
    """
    weights = effective_weights(spbe_rows)
    parent = {r["code"]: r["parent"] for r in spbe_rows}
    codes = sorted(weights)
    domain = {c: parent[parent[c]] for c in codes}
    levels = {2021: dict.fromkeys(codes, 1)}
    target = {y: float(v) for y, v in SPBE_PUBLISHED.items()}
    for _ in range(100_000):
        draw = rng.normal(0.0, 0.6, size=len(codes))
        cand = {
            c: level(SPBE_DOMAIN_MEAN_2022[domain[c]] + d) for c, d in zip(codes, draw, strict=True)
        }
        if abs(spbe_index(cand, weights) - target[2022]) < SPBE_MARGIN:
            levels[2022] = cand
            break
    else:
        raise RuntimeError("no SPBE levels found for 2022")
    for _ in range(100_000):
        step = rng.random(size=len(codes)) < SPBE_STEP_2023
        cand = {c: min(5, levels[2022][c] + int(s)) for c, s in zip(codes, step, strict=True)}
        if abs(spbe_index(cand, weights) - target[2023]) < SPBE_MARGIN:
            levels[2023] = cand
            break
    else:
        raise RuntimeError("no SPBE levels found for 2023")
    for year, lv in levels.items():
        assert round2(spbe_index(lv, weights)) == SPBE_PUBLISHED[year], year
    return levels


# --- the office's registers (issue 13): programmes, statuses, owners, supporting documents --
# ILLUSTRATIVE: programme names and owners sound like Kutai Timur's masterplan 2022-2027 and
# its departments (perangkat daerah); the five 2021 quick wins are real, the rest invented.
DISKOMINFO = "Dinas Komunikasi, Informatika, Statistik dan Persandian (Diskominfo Staper)"
BAPPEDA = "Badan Perencanaan Pembangunan Daerah (Bappeda)"
BAPENDA = "Badan Pendapatan Daerah (Bapenda)"
DUKCAPIL = "Dinas Kependudukan dan Pencatatan Sipil (Disdukcapil)"
DPMPTSP = "Dinas Penanaman Modal dan PTSP (DPMPTSP)"
DISDIK = "Dinas Pendidikan dan Kebudayaan"
DINKES = "Dinas Kesehatan"
DISHUB = "Dinas Perhubungan"
DLH = "Dinas Lingkungan Hidup"
DISPAR = "Dinas Pariwisata"
DISKOP = "Dinas Koperasi dan UKM"
DISPERINDAG = "Dinas Perindustrian dan Perdagangan"
DINSOS = "Dinas Sosial"
SATPOL = "Satuan Polisi Pamong Praja (Satpol PP)"
BPBD = "Badan Penanggulangan Bencana Daerah (BPBD)"
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang (PUPR)"
# code, name, name_id, element, department, start, end, quick win
PROGRAMMES = (
    (
        "KT-GOV-01",
        "Satu Data Kutai Timur portal",
        "Portal Satu Data Kutai Timur",
        "GOV.POL.04",
        DISKOMINFO,
        2021,
        2024,
        True,
    ),
    (
        "KT-GOV-02",
        "Integrated public service application",
        "Aplikasi layanan publik terintegrasi",
        "GOV.SRV",
        DISKOMINFO,
        2022,
        2025,
        False,
    ),
    (
        "KT-GOV-03",
        "Public service mall",
        "Mal pelayanan publik",
        "GOV.SRV.05",
        DPMPTSP,
        2022,
        2024,
        False,
    ),
    (
        "KT-GOV-04",
        "Online population documents",
        "Dokumen kependudukan daring",
        "GOV.SRV",
        DUKCAPIL,
        2022,
        2023,
        False,
    ),
    (
        "KT-GOV-05",
        "E-office for all departments",
        "E-office seluruh perangkat daerah",
        "GOV.BUR",
        DISKOMINFO,
        2022,
        2024,
        False,
    ),
    (
        "KT-GOV-06",
        "Electronic planning and budgeting",
        "Perencanaan dan penganggaran elektronik",
        "GOV.BUR",
        BAPPEDA,
        2023,
        2025,
        False,
    ),
    (
        "KT-GOV-07",
        "Public satisfaction survey online",
        "Survei kepuasan masyarakat daring",
        "GOV.SRV",
        DPMPTSP,
        2025,
        2027,
        False,
    ),
    (
        "KT-BRA-01",
        "Madu kelulut branding",
        "Branding madu kelulut",
        "BRA.BUS.04",
        DISKOP,
        2021,
        2024,
        True,
    ),
    (
        "KT-BRA-02",
        "Digital tourism promotion",
        "Promosi pariwisata digital",
        "BRA.TOU",
        DISPAR,
        2022,
        2025,
        False,
    ),
    (
        "KT-BRA-03",
        "Tourism village information",
        "Informasi desa wisata",
        "BRA.TOU",
        DISPAR,
        2023,
        2026,
        False,
    ),
    (
        "KT-BRA-04",
        "Online investment information",
        "Informasi investasi daring",
        "BRA.BUS",
        DPMPTSP,
        2022,
        2024,
        False,
    ),
    (
        "KT-BRA-05",
        "City park and signage arrangement",
        "Penataan taman dan penanda kota",
        "BRA.APP",
        PUPR,
        2023,
        2027,
        False,
    ),
    ("KT-ECO-01", "PBB online", "PBB online", "ECO.TRX.05", BAPENDA, 2021, 2023, True),
    (
        "KT-ECO-02",
        "Non-cash regional revenue",
        "Pendapatan daerah nontunai",
        "ECO.TRX",
        BAPENDA,
        2022,
        2025,
        False,
    ),
    (
        "KT-ECO-03",
        "Local products on marketplaces",
        "Produk lokal di lokapasar",
        "ECO.IND",
        DISPERINDAG,
        2022,
        2024,
        False,
    ),
    (
        "KT-ECO-04",
        "Digital MSME training",
        "Pelatihan UMKM digital",
        "ECO.WEL",
        DISKOP,
        2022,
        2025,
        False,
    ),
    (
        "KT-ECO-05",
        "Market price information system",
        "Sistem informasi harga pasar",
        "ECO.IND",
        DISPERINDAG,
        2023,
        2024,
        False,
    ),
    (
        "KT-ECO-06",
        "Social assistance data integration",
        "Integrasi data bantuan sosial",
        "ECO.WEL",
        DINSOS,
        2023,
        2026,
        False,
    ),
    (
        "KT-ECO-07",
        "Industrial estate e-services",
        "Layanan elektronik kawasan industri",
        "ECO.IND",
        DISPERINDAG,
        2026,
        2027,
        False,
    ),
    (
        "KT-LIV-01",
        "Spatial planning information system",
        "Sistem informasi tata ruang",
        "LIV.HAR",
        PUPR,
        2022,
        2025,
        False,
    ),
    (
        "KT-LIV-02",
        "Online health registration",
        "Pendaftaran kesehatan daring",
        "LIV.HEA",
        DINKES,
        2022,
        2024,
        False,
    ),
    (
        "KT-LIV-03",
        "Telemedicine for remote puskesmas",
        "Telemedisin puskesmas terpencil",
        "LIV.HEA",
        DINKES,
        2023,
        2026,
        False,
    ),
    (
        "KT-LIV-04",
        "Public transport information",
        "Informasi angkutan umum",
        "LIV.MOB",
        DISHUB,
        2022,
        2025,
        False,
    ),
    (
        "KT-LIV-05",
        "Area traffic control",
        "Pengendalian lalu lintas kawasan",
        "LIV.MOB",
        DISHUB,
        2024,
        2027,
        False,
    ),
    (
        "KT-LIV-06",
        "Stunting data dashboard",
        "Dasbor data stunting",
        "LIV.HEA",
        DINKES,
        2023,
        2025,
        False,
    ),
    (
        "KT-LIV-07",
        "Road condition reporting",
        "Pelaporan kondisi jalan",
        "LIV.HAR",
        PUPR,
        2022,
        2024,
        False,
    ),
    (
        "KT-SOC-01",
        "Digital learning",
        "Pembelajaran digital",
        "SOC.LRN.05",
        DISDIK,
        2021,
        2024,
        True,
    ),
    (
        "KT-SOC-02",
        "School information system",
        "Sistem informasi sekolah",
        "SOC.LRN",
        DISDIK,
        2022,
        2024,
        False,
    ),
    (
        "KT-SOC-03",
        "Village digital literacy",
        "Literasi digital desa",
        "SOC.COM",
        DISKOMINFO,
        2022,
        2026,
        False,
    ),
    (
        "KT-SOC-04",
        "Public complaints channel",
        "Kanal pengaduan masyarakat",
        "SOC.COM",
        DISKOMINFO,
        2022,
        2023,
        False,
    ),
    (
        "KT-SOC-05",
        "CCTV for public order",
        "CCTV ketertiban umum",
        "SOC.SEC",
        SATPOL,
        2023,
        2025,
        False,
    ),
    (
        "KT-SOC-06",
        "Disaster early warning",
        "Peringatan dini bencana",
        "SOC.SEC",
        BPBD,
        2022,
        2025,
        False,
    ),
    ("KT-SOC-07", "Digital library", "Perpustakaan digital", "SOC.LRN", DISDIK, 2025, 2027, False),
    ("KT-ENV-01", "Bank sampah", "Bank sampah", "ENV.WST.05", DLH, 2021, 2024, True),
    (
        "KT-ENV-02",
        "Waste collection monitoring",
        "Pemantauan pengangkutan sampah",
        "ENV.WST",
        DLH,
        2022,
        2025,
        False,
    ),
    (
        "KT-ENV-03",
        "Air and river quality monitoring",
        "Pemantauan kualitas udara dan sungai",
        "ENV.PRO",
        DLH,
        2022,
        2024,
        False,
    ),
    (
        "KT-ENV-04",
        "Forest fire hotspot alerts",
        "Peringatan titik panas kebakaran hutan",
        "ENV.PRO",
        BPBD,
        2023,
        2026,
        False,
    ),
    (
        "KT-ENV-05",
        "Solar street lighting",
        "Penerangan jalan tenaga surya",
        "ENV.ENR",
        PUPR,
        2023,
        2027,
        False,
    ),
    (
        "KT-ENV-06",
        "Government building energy audit",
        "Audit energi gedung pemerintah",
        "ENV.ENR",
        DLH,
        2024,
        2026,
        False,
    ),
)
DROPPED = {"KT-ECO-05": 2024, "KT-LIV-05": 2024}  # dropped mid-masterplan (illustrative)
REGISTER_YEARS = (2022, 2023, 2024)
# nodes owned outside any programme (owners.csv)
OWNERS = (
    ("GOV", BAPPEDA),
    ("GOV.POL", DISKOMINFO),
    ("BRA.APP", PUPR),
    ("ECO.WEL", DINSOS),
    ("LIV.HEA", DINKES),
    ("SOC.SEC", SATPOL),
    ("ENV.WST", DLH),
)
# node-level documents: code, document, kind, department (blank = the owner)
NODE_DOCUMENTS = (
    ("SCI", "Peraturan Bupati masterplan smart city 2022-2027", "regulation", BAPPEDA),
    ("SCI", "SK Dewan Smart City dan Tim Pelaksana", "institution", DISKOMINFO),
    ("SCI", "Alokasi anggaran smart city dalam APBD", "budget", BAPPEDA),
    ("GOV.BUR", "Inventaris aplikasi perangkat daerah", "application inventory", DISKOMINFO),
    ("GOV.POL", "Peraturan Bupati Satu Data", "regulation", ""),
    ("LIV.HEA", "Laporan survei kepuasan layanan kesehatan", "survey", ""),
    ("ENV.WST", "Laporan pengelolaan sampah", "report", ""),
)
PROGRAMME_DOCUMENTS = (
    ("Laporan kemajuan program", "report"),
    ("SK tim pelaksana program", "regulation"),
)
P_START = 0.8  # a programme due this year has started
P_FINISH = 0.6  # an ongoing programme past its end year is done
P_DOC = (0.72, 0.18, 0.10)  # available, missing, outdated


def generate_registers(rng: np.random.Generator) -> dict[str, str]:
    """programmes.csv, programme_status.csv, owners.csv and evidence.csv of FOCUS."""
    prog_rows, status_rows, evidence_rows = [], [], []
    for code, name, name_id, element, dept, start, end, quick in PROGRAMMES:
        prog_rows.append(
            (FOCUS, code, name, name_id, element, dept, start, end, "ya" if quick else "tidak")
        )
        status = "planned"
        for year in REGISTER_YEARS:
            draw = rng.random()
            if year < start:
                continue
            if DROPPED.get(code) == year:
                status = "dropped"
            elif status == "planned" and (draw < P_START or quick):
                status = "ongoing"
            elif status == "ongoing" and year >= end and draw < P_FINISH:
                status = "done"
            note = "dihentikan: anggaran dialihkan" if status == "dropped" else ""
            status_rows.append((FOCUS, year, code, status, note))
            if status == "dropped":
                break
    states = ("available", "missing", "outdated")
    for year in (2023, 2024):
        docs = [(code, d, k, "") for code, *_ in PROGRAMMES for d, k in PROGRAMME_DOCUMENTS]
        docs += list(NODE_DOCUMENTS)
        for code, document, kind, dept in docs:
            state = states[int(rng.choice(3, p=P_DOC))]
            due = f"{year}-10-{int(rng.integers(1, 29)):02d}" if state != "available" else ""
            evidence_rows.append((FOCUS, year, code, document, kind, state, dept, due))
    prog_rows.sort()
    status_rows.sort()
    evidence_rows.sort()
    return {
        "programmes.csv": to_csv(
            (
                "region",
                "code",
                "name",
                "name_id",
                "element",
                "department",
                "start",
                "end",
                "quick_win",
            ),
            prog_rows,
        ),
        "programme_status.csv": to_csv(
            ("region", "year", "programme", "status", "note"), status_rows
        ),
        "owners.csv": to_csv(
            ("region", "code", "department"), sorted((FOCUS, c, d) for c, d in OWNERS)
        ),
        "evidence.csv": to_csv(
            ("region", "year", "code", "document", "kind", "status", "department", "due"),
            evidence_rows,
        ),
    }


def build(root: Path = FRAMEWORKS) -> dict[str, str]:
    """File name -> file text of the whole dataset."""
    sci = read_framework("kominfo_smart_city", root)
    comp_rows = read_framework("kominfo_components", root)
    spbe_rows = read_framework("spbe_2020", root)

    sci_kids = children(sci)
    pillars = sci_kids[sci_kids[""][0]]
    elements = {p: sci_kids[p] for p in pillars}
    items_of = {e: sci_kids[e] for p in pillars for e in elements[p]}
    items = [i for p in pillars for e in elements[p] for i in items_of[e]]

    comp_kids = children(comp_rows)
    final_code = comp_kids[""][0]
    components = comp_kids[final_code]
    comp_weight = {r["code"]: float(r["weight"]) for r in comp_rows if r["code"] in components}
    component = {i: c for c in components for i in comp_kids[c]}
    assert sorted(component) == sorted(items), "component tree must hold the same items"

    ss = np.random.SeedSequence(SEED)
    kominfo_ss, spbe_ss = ss.spawn(2)
    kind = {r["code"]: item_kind(r["code"], r["name"]) for r in sci if r["code"] in items}
    scores = generate_assessments(np.random.default_rng(kominfo_ss), items, kind)
    spbe_levels = search_spbe(np.random.default_rng(spbe_ss), spbe_rows)

    # --- assessments.csv
    assess_rows = []
    for (region, year, item), by in scores.items():
        for assessor, score in by.items():
            stage = "self" if assessor == "self" else "assessor"
            assess_rows.append((region, year, item, assessor, score, stage))
    assess_rows.sort()

    # --- observations.csv (verified = median of the available assessor scores)
    verified: dict[tuple[str, int, str], float | None] = {}
    obs_rows = []
    for (region, year, item), by in scores.items():
        v = median([s for a, s in by.items() if a != "self"])
        verified[(region, year, item)] = v
        note = "" if v is not None else "not verified: no assessor score"
        note_id = "" if v is not None else "belum diverifikasi: tidak ada skor asesor"
        value = "" if v is None else f"{v:.1f}"
        obs_rows.append((region, year, item, value, GENERATED, note, note_id))
    for year, lv in spbe_levels.items():
        note = (
            f"illustrative level; the SPBE index of these 47 levels is the published "
            f"{SPBE_PUBLISHED[year]}"
        )
        note_id = (
            f"tingkat ilustratif; indeks SPBE dari 47 tingkat ini adalah nilai terbitan "
            f"{SPBE_PUBLISHED[year]}"
        )
        for code, value in lv.items():
            obs_rows.append((FOCUS, year, code, f"{value:.1f}", GENERATED, note, note_id))
    obs_rows.sort()

    # --- published.csv (plain arithmetic, then two decimals)
    pub_rows = []
    for region in REGIONS:
        for year in YEARS:
            val = {i: verified[(region, year, i)] for i in items}
            elem = {e: mean(val[i] for i in items_of[e]) for e in items_of}
            pil = {p: mean(elem[e] for e in elements[p]) for p in pillars}
            index = mean(pil.values())
            comp = {c: mean(val[i] for i in comp_kids[c]) for c in components}
            present = [c for c in components if comp[c] is not None]
            final = sum(comp_weight[c] * comp[c] for c in present) / sum(
                comp_weight[c] for c in present
            )
            values = {final_code: final, **comp, sci_kids[""][0]: index, **pil}
            for code, x in values.items():
                pub_rows.append((region, year, code, round2(x), PUBLISHED_SOURCE))
    for year, score in SPBE_PUBLISHED.items():
        pub_rows.append((FOCUS, year, "SPBE", score, SPBE_SOURCE[year]))
    pub_rows.sort()

    # --- targets.csv (illustrative masterplan 2022-2027 of Kutai Timur; provincial target).
    # The masterplan's headline target is on the official index (FINAL, the root of the
    # components tree); the per-pillar, element and quick-win targets are on the pillar tree.
    tgt_rows = []
    for k, year in enumerate(range(2022, 2028)):
        index_t = 2.70 + 0.20 * k
        tgt_rows.append((FOCUS, year, final_code, f"{index_t:.2f}"))
        offsets = dict(zip(pillars, (0.10, -0.10, 0.05, -0.05, 0.00, -0.10), strict=True))
        for p in pillars:
            tgt_rows.append((FOCUS, year, p, f"{index_t + offsets[p]:.2f}"))
        for e in ("GOV.SRV", "GOV.POL", "ECO.TRX", "ENV.WST"):
            tgt_rows.append((FOCUS, year, e, f"{index_t + 0.15:.2f}"))
        # the 2021 quick wins: Satu Data, madu kelulut, PBB online, digital learning, bank sampah
        for item in ("GOV.POL.04", "BRA.BUS.04", "ECO.TRX.05", "SOC.LRN.05", "ENV.WST.05"):
            tgt_rows.append((FOCUS, year, item, f"{min(5, 3 + k // 2):.2f}"))
    for k, year in enumerate(YEARS):
        tgt_rows.append(("*", year, final_code, f"{2.50 + 0.25 * k:.2f}"))
    tgt_rows.sort()

    return {
        "dataset.toml": DATASET_TOML,
        "assessments.csv": to_csv(
            ("region", "year", "indicator", "assessor", "score", "stage"), assess_rows
        ),
        "observations.csv": to_csv(
            ("region", "year", "indicator", "value", "source", "note", "note_id"), obs_rows
        ),
        "targets.csv": to_csv(("region", "year", "code", "target"), tgt_rows),
        "published.csv": to_csv(("region", "year", "code", "score", "source"), pub_rows),
        # REAL: Kutai Timur's published SPBE rank 2023, 2nd of 10 in Kalimantan Timur
        "published_ranks.csv": to_csv(
            ("region", "year", "code", "scope", "rank", "of", "area", "source"),
            [(FOCUS, 2023, "SPBE", "province", 2, 10, "Kalimantan Timur", SPBE_SOURCE[2023])],
        ),
        # REAL: the kind of each region (Kalimantan Timur has 7 kabupaten and 3 kota)
        "regions.csv": to_csv(
            ("region", "kind", "province", "population"),
            [
                (r, "kota" if r.startswith("Kota ") else "kabupaten", "Kalimantan Timur", "")
                for r in REGIONS
            ],
        ),
        **generate_registers(np.random.default_rng([SEED, 13])),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="output folder (default: next to this script)"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in build().items():
        (args.out / name).write_bytes(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
