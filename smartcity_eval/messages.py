"""The words of the reports, in Bahasa Indonesia and English.

One dict per language, the same keys in both (``tests/test_reports.py`` checks it), and
:func:`t` to look a key up and fill in its ``{placeholders}``. Names of frameworks' nodes
come from the framework itself (``name_id`` / ``name``, see
:meth:`smartcity_eval.io.frameworks.Framework.label`); the achievement bands and trajectory
statuses from :mod:`smartcity_eval.analysis.gaps` (``band_id``, ``status_id``).

Terms follow the Kominfo smart-city guidance (*Buku Panduan Penyusunan Masterplan Smart
City*, 2021) and PermenPANRB 59/2020 on SPBE where they have an Indonesian name: pilar /
dimensi, elemen, indikator, penilaian mandiri, asesor, predikat, masterplan.
"""

from __future__ import annotations

__all__ = ["LANGS", "LABELS", "EN", "ID", "t", "lang_or_default"]

LANGS: tuple[str, ...] = ("id", "en")

EN: dict[str, str] = {
    # report frame
    "report.title": "Smart-city evaluation report",
    "report.subtitle": "{region} · evaluation year {year}",
    "report.dataset": "Dataset: {title}",
    "report.reading": "How to read this report: the headline first, then one section per "
    "question. Scores are on the scale of the indicators ({unit}); higher is better.",
    "notice.illustrative": "ILLUSTRATIVE DATA: the values in this report are generated for "
    "demonstration, not real results. Do not quote them as results of any region.",
    # headline
    "sec.headline": "Headline",
    "headline.rank": "rank {rank} of {n} regions",
    "headline.change": "{change} since {prev}",
    "headline.first_year": "first year in the data",
    "headline.no_previous": "no score for {prev}",
    "headline.band": "band: {band}",
    "headline.no_band": "no official bands",
    "headline.missing": "not scored",
    "headline.target": "masterplan target {target}:",
    # sections
    "sec.profile": "Pillar profile",
    "text.profile": "Each spoke is one pillar of {framework}. The blue area is {region}, the "
    "grey line the median of the {n} regions in {year}, the orange dashed line the masterplan "
    "target for {year} where one is set.",
    "sec.heatmap": "Element scores across years",
    "text.heatmap": "Each cell is the score of one element in one year; darker is higher. "
    "A blank cell means the element could not be scored that year.",
    "sec.gaps": "Gaps to the masterplan targets",
    "text.gaps": "Gap = target − actual (positive: still short). Achievement = actual as a "
    "share of the target; bands as in the U4SSC verification reports: achieved ≥ 95 %, "
    "near 66–95 %, midway 33–66 %, far < 33 %.",
    "sec.trajectory": "Trajectory to each masterplan target",
    "text.trajectory": "Solid line: the scores so far; dashed line: the straight path from "
    "the first year to the target; dotted line: where the current pace leads. Status: on "
    "track (the pace meets the required pace), at risk (at least half of it), off track.",
    "sec.change": "Change since last year",
    "text.change": "The change of the index and each pillar, with the element that raised it "
    "most and the one that pulled it down most.",
    "sec.strengths": "Strengths and weaknesses",
    "text.strengths": "Strengths and weaknesses compared with the other regions in {year}: "
    "the items furthest above and below the peers' median.",
    "sec.self": "Self-assessment vs assessors",
    "text.self": "The region's own scores against the verified (assessors') scores, per "
    "pillar. Positive difference: the self-assessment was higher. Over-claiming is flagged "
    "when the mean difference exceeds {threshold} level and a sign test says it is not chance.",
    "sec.priorities": "Priorities",
    "text.priorities": "Where one more level raises the index most: each item's gain per "
    "level (its effective weight) and its headroom to the top of the scale.",
    "sec.agreement": "Assessor agreement",
    "text.agreement": "How far the assessors agreed on this region's items. Krippendorff's "
    "alpha (ordinal) and ICC: 1 = perfect agreement, 0 = no better than chance; "
    "≥ 0.8 good, 0.667–0.8 tentative (Krippendorff 2004).",
    "sec.coverage": "Data coverage, missing and imputed values",
    "text.coverage": "Coverage = the weighted share of the indicators that have a value. "
    "Every missing or imputed value is listed.",
    "sec.robustness": "How robust is this result",
    "text.robustness": "The ranks each region takes when the open choices of the method "
    "vary (uncertainty analysis, OECD/JRC Handbook step 7); a short bar means a robust "
    "rank.",
    "text.robustness_summary": "Rank {rank} of {n}. Across {runs} variants of the methods "
    "({choices}) the rank lies between {q05} and {q95} in 90 % of them (best {best}, worst "
    "{worst}) and is exactly {rank} in {share} % of them.",
    "text.robustness_factor": "The choice that moves the ranks most: {factor}.",
    "factor.weights": "pillar weights ±25 %",
    "factor.normalise": "normalisation",
    "factor.aggregate": "aggregation",
    "factor.impute": "imputation",
    "factor.drop_indicator": "one indicator left out",
    # the choices an uncertainty analysis varied (keys: vocab.VARIED_*)
    "varied.normalisation": "normalisation",
    "varied.aggregation": "aggregation",
    "varied.weights": "pillar weights",
    "varied.imputation": "imputation",
    "label.nominal_rank": "rank with the report's methods",
    "label.median_rank": "median rank",
    "label.rank_interval_90": "90 % of {runs} variants",
    "sec.provenance": "Provenance",
    "text.provenance": "The input files (SHA-256), the package version, the methods and "
    "parameters, and when this report was made. Anyone can check that a report belongs "
    "to a given set of files.",
    "sec.other_indices": "Other indices",
    # messages
    "msg.no_targets": "No masterplan targets for {region} in {year}.",
    "msg.no_trajectory": "No trajectory: a trajectory needs a target for a later year and "
    "scores of at least two years.",
    "msg.no_previous": "{year} is the first year in the data: no change to show.",
    "msg.no_assessments": "The dataset has no assessments (no self-assessment or assessor scores).",
    "msg.no_self": "No self-assessment for {region} in {year}.",
    "msg.no_agreement": "No assessor scores for {region} in {year}.",
    "msg.no_missing": "No value is missing or imputed.",
    "msg.no_uncertainty": "The uncertainty analysis is not available.",
    "msg.no_priorities": "No priorities could be computed.",
    "msg.over_claiming": "Over-claiming: the self-assessment is {diff} level above the "
    "assessors on average (sign test p = {p}).",
    "msg.no_over_claiming": "No systematic over-claiming (mean difference {diff} level).",
    "msg.missing_count": "{n} missing and {m} imputed of {total} indicator values.",
    "note.no_row": "no row in observations",
    # table / axis labels
    "label.region": "Region",
    "label.year": "Year",
    "label.code": "Code",
    "label.name": "Name",
    "label.level": "Level",
    "label.pillar": "Pillar",
    "label.element": "Element",
    "label.indicator": "Indicator",
    "label.item": "Item",
    "label.score": "Score",
    "label.value": "Value",
    "label.target": "Target",
    "label.target_year": "Target year",
    "label.actual": "Actual",
    "label.gap": "Gap",
    "label.achievement": "Achievement (%)",
    "label.band": "Band",
    "label.rank": "Rank",
    "label.status": "Status",
    "label.change": "Change",
    "label.previous": "Previous",
    "label.driver_up": "Raised most by",
    "label.driver_down": "Pulled down most by",
    "label.self": "Self-assessment",
    "label.verified": "Verified",
    "label.difference": "Difference",
    "label.over_claiming": "Over-claiming",
    "label.kind": "Kind",
    "label.strength": "Strength",
    "label.weakness": "Weakness",
    "label.peer_median": "Peer median",
    "label.vs_median": "vs median",
    "label.compared_with": "Compared with",
    "label.vs_median_value": "peers' median {diff}",
    "label.vs_target": "target: {pct} % achieved",
    "label.priority": "Priority",
    "label.headroom": "Headroom",
    "label.gain_per_level": "Gain per level",
    "label.max_gain": "Maximum gain",
    "label.coverage": "Coverage (%)",
    "label.missing": "Missing",
    "label.imputed": "Imputed",
    "label.note": "Note",
    "label.statistic": "Statistic",
    "label.assessors": "Assessors",
    "label.items": "Items",
    "label.range": "Range",
    "label.mean": "Mean",
    "label.role": "Role",
    "label.file": "File",
    "label.bytes": "Bytes",
    "label.sha256": "SHA-256",
    "label.method": "Method",
    "label.setting": "Setting",
    "label.required_pace": "Required change per year",
    "label.actual_pace": "Actual change per year",
    "label.projected": "Projected at target year",
    "label.yes": "yes",
    "label.no": "no",
    "label.index": "Index",
    "label.this_region": "this region",
    "label.median": "median",
    "label.path": "path to target",
    "label.pace": "current pace",
    "label.unit": "Unit",
    "label.rank_interval": "Rank (1 = best)",
    # agreement statistics
    "stat.alpha_ordinal": "Krippendorff's alpha (ordinal)",
    "stat.alpha_interval": "Krippendorff's alpha (interval)",
    "stat.icc2": "ICC(2,1) single assessor",
    "stat.icc2k": "ICC(2,k) mean of assessors",
    "stat.fleiss_kappa": "Fleiss' kappa",
    "stat.exact_agreement": "Share of items all assessors scored alike",
    "stat.n_items": "Items",
    "stat.n_assessors": "Assessors",
    # provenance
    "prov.inputs": "Input files",
    "prov.package": "Package",
    "prov.created": "Made on",
    "prov.methods": "Methods and parameters",
    "prov.fingerprint": "Fingerprint",
    "prov.python": "Python",
    "prov.steps": "Steps of the evaluation (its log)",
    "label.step": "Step",
    "label.parameters": "Parameters",
    "label.started": "Started",
    "label.seconds": "Seconds",
    # figures
    "fig.radar": "{region} {year}: pillar profile",
    "fig.heatmap": "{region}: element scores {first}–{last}",
    "fig.trajectory": "{region}: trajectory to the masterplan targets",
    "fig.self": "{region} {year}: self-assessment vs assessors by pillar",
    "fig.gaps": "{region} {year}: achievement of the masterplan targets",
    "fig.rank_intervals": "{year}: rank of each region under varied methods",
    "fig.agreement": "{region} {year}: spread of the assessors' scores per item",
    "axis.score": "Score ({unit})",
    "axis.year": "Year",
    "axis.element": "Element",
    "axis.pillar": "Pillar",
    "axis.achievement": "Achievement of target (%)",
    "axis.rank": "Rank (1 = best)",
    "axis.region": "Region",
    "axis.items": "Number of items",
    "axis.range": "Range of assessors' scores (levels)",
    "unit.levels": "level 1–5",
    "unit.score": "score {lo:g}–{hi:g}",
    "unit.zscore": "z-score, standard deviations",
    # default legend names of the figures (present/plots.py)
    "plot.region": "region",
    "plot.peer_median": "peer median",
    "plot.target": "target",
    "plot.actual": "actual",
    "plot.path": "path",
    "plot.pace": "pace",
    "plot.nominal_rank": "nominal rank",
    "plot.median_rank": "median rank",
    "plot.rank_interval": "5-95 % interval",
    "plot.first_order": "first order (alone)",
    "plot.interactions": "interactions",
    "plot.total_interval": "interval of the total",
    # index page and summary
    "index.title": "Smart-city evaluation reports",
    "index.open": "open",
    "index.failed": "failed",
    "index.n_ok": "Reports",
    "index.n_failed": "Failed",
    "index.cell_shows": "Each cell shows",
    "index.score": "the index",
    "index.generated": "Updated",
    "summary.line": "reports: {made} made, {skipped} up to date (skipped), {failed} failed "
    "in {seconds:.1f} s",
    "summary.index": "index page",
    "summary.progress": "reports",
    "summary.no_pdf": "PDF skipped: no headless Chromium found (install chromium, e.g. "
    "apt-get install chromium); HTML pages were written",
    "summary.worker_died": "the worker process died while making this report",
    # explore / reproduce notebooks
    "repro.title": "Reproduction of the published results",
    "repro.summary": "Summary",
    "repro.agreement": "Assessor agreement per region",
    "repro.items": "Items the assessors disagreed on most",
    # --- analysis layer (engineer B): vocabulary display names, gaps text view, selection
    "band.achieved": "achieved",
    "band.near": "near",
    "band.midway": "midway",
    "band.far": "far",
    "status.on track": "on track",
    "status.at risk": "at risk",
    "status.off track": "off track",
    "status.insufficient data": "insufficient data",
    "gaps.title.targets": "Gap to target (gap > 0: short of target; U4SSC bands of % achieved)",
    "gaps.title.trajectory": "Trajectory to the masterplan target (linear pace since the baseline)",
    "gaps.title.change": "Change since the previous evaluation (tingkat improvement) and its "
    "drivers",
    "gaps.title.drivers": "Contribution of each child to its parent's change",
    "gaps.title.peers": "Position among peer regions (gaps: distance to best, median and next "
    "rank up)",
    "gaps.title.strengths": "Strengths and weaknesses (by rank among peers and by target "
    "achievement)",
    "gaps.title.self": "Self-assessment vs verified score (difference > 0: self-assessed higher)",
    "gaps.title.priorities": "Priorities: items that raise the index most per level gained",
    "gaps.no_rows": "(no rows)",
    "gaps.hidden": "({n} deeper rows not shown: use --depth or --out)",
    "selection.unknown_region": "unknown region '{value}'",
    "selection.unknown_year": "unknown year '{value}'",
    "selection.years": "use one of {years}",
    "repro.line.none": "reproduce: the dataset has no published values",
    "repro.line.not_computable": "; {n} not computable (see the note column)",
    "repro.line.mismatch": "reproduce: {bad} of {n} published values do not match (largest "
    "difference {size} at {where})",
    "repro.line.all": "reproduce: all {n} published values match",
    "repro.line.some": "reproduce: {good} of {n} published values match",
    "repro.consensus.none": "reproduce: no item has both an observation and assessor scores",
    "repro.consensus.equal": "reproduce: the observations equal the assessors' {method} "
    "consensus for all {n} items that assessors scored",
    "repro.consensus.differ": "reproduce: the observations differ from the assessors' {method} "
    "consensus for {bad} of {n} items that assessors scored",
    # --- end of the analysis layer's keys
    # figures of the uncertainty and sensitivity analyses
    "uncert.ranks.title": "How robust is each rank? {code}, {year}",
    "uncert.ranks.x": "rank (1 = best)",
    "uncert.ranks.y": "region",
    "uncert.ranks.nominal": "nominal rank",
    "uncert.ranks.median": "median rank",
    "uncert.ranks.interval": "5-95 % of {n} replications",
    "uncert.sens.title": "Which choice moves the ranks most? {code}, {year}",
    "uncert.sens.x": "share of the variance of the mean absolute rank shift (0-1)",
    "uncert.sens.y": "choice",
    "uncert.sens.first": "first order (the choice alone)",
    "uncert.sens.inter": "interactions with other choices",
    "uncert.sens.interval": "interval of the total order",
    "uncert.factor.weights": "weights",
    "uncert.factor.normalise": "normalisation",
    "uncert.factor.aggregate": "aggregation",
    "uncert.factor.impute": "imputation",
    "uncert.factor.drop_indicator": "one indicator removed",
}

ID: dict[str, str] = {
    "report.title": "Laporan evaluasi smart city",
    "report.subtitle": "{region} · tahun evaluasi {year}",
    "report.dataset": "Dataset: {title}",
    "report.reading": "Cara membaca laporan ini: ringkasan utama terlebih dahulu, lalu satu "
    "bagian per pertanyaan. Nilai memakai skala indikator ({unit}); makin tinggi makin baik.",
    "notice.illustrative": "DATA ILUSTRATIF: nilai dalam laporan ini dibangkitkan untuk "
    "demonstrasi, bukan hasil nyata. Jangan mengutipnya sebagai hasil daerah mana pun.",
    "sec.headline": "Ringkasan utama",
    "headline.rank": "peringkat {rank} dari {n} daerah",
    "headline.change": "{change} sejak {prev}",
    "headline.first_year": "tahun pertama dalam data",
    "headline.no_previous": "tidak ada nilai untuk {prev}",
    "headline.band": "predikat: {band}",
    "headline.no_band": "tidak ada predikat resmi",
    "headline.missing": "tidak dapat dinilai",
    "headline.target": "target masterplan {target}:",
    "sec.profile": "Profil pilar",
    "text.profile": "Setiap jari-jari adalah satu pilar {framework}. Area biru adalah "
    "{region}, garis abu-abu median {n} daerah pada {year}, garis putus-putus oranye target "
    "masterplan {year} bila ada.",
    "sec.heatmap": "Nilai elemen dari tahun ke tahun",
    "text.heatmap": "Setiap sel adalah nilai satu elemen pada satu tahun; makin gelap makin "
    "tinggi. Sel kosong berarti elemen itu tidak dapat dinilai pada tahun tersebut.",
    "sec.gaps": "Kesenjangan terhadap target masterplan",
    "text.gaps": "Kesenjangan = target − capaian (positif: belum tercapai). Capaian = nilai "
    "aktual sebagai persentase target; kategori mengikuti laporan verifikasi U4SSC: "
    "tercapai ≥ 95 %, mendekati 66–95 %, separuh jalan 33–66 %, jauh < 33 %.",
    "sec.trajectory": "Lintasan menuju setiap target masterplan",
    "text.trajectory": "Garis tegas: nilai sejauh ini; garis putus-putus: jalur lurus dari "
    "tahun pertama ke target; garis titik-titik: arah laju saat ini. Status: sesuai jalur "
    "(laju memenuhi laju yang diperlukan), berisiko (minimal separuhnya), tertinggal.",
    "sec.change": "Perubahan sejak tahun lalu",
    "text.change": "Perubahan indeks dan setiap pilar, dengan elemen yang paling menaikkan "
    "dan yang paling menurunkannya.",
    "sec.strengths": "Kekuatan dan kelemahan",
    "text.strengths": "Kekuatan dan kelemahan dibandingkan daerah lain pada {year}: item yang "
    "paling jauh di atas dan di bawah median daerah pembanding.",
    "sec.self": "Penilaian mandiri vs asesor",
    "text.self": "Nilai penilaian mandiri daerah dibandingkan nilai terverifikasi (asesor), "
    "per pilar. Selisih positif: penilaian mandiri lebih tinggi. Klaim berlebih ditandai "
    "bila selisih rata-rata melebihi {threshold} level dan uji tanda menyatakan bukan "
    "kebetulan.",
    "sec.priorities": "Prioritas",
    "text.priorities": "Di mana kenaikan satu level paling menaikkan indeks: tambahan per "
    "level (bobot efektif) dan ruang naik setiap item sampai puncak skala.",
    "sec.agreement": "Kesepakatan antar-asesor",
    "text.agreement": "Seberapa jauh para asesor sepakat atas item daerah ini. Alpha "
    "Krippendorff (ordinal) dan ICC: 1 = sepakat sempurna, 0 = tidak lebih baik dari "
    "kebetulan; ≥ 0,8 baik, 0,667–0,8 sementara (Krippendorff 2004).",
    "sec.coverage": "Kelengkapan data, nilai hilang dan nilai imputasi",
    "text.coverage": "Kelengkapan = bagian berbobot dari indikator yang memiliki nilai. "
    "Setiap nilai yang hilang atau diimputasi disebutkan.",
    "sec.robustness": "Seberapa kokoh hasil ini",
    "text.robustness": "Peringkat setiap daerah bila pilihan metode yang terbuka "
    "divariasikan (analisis ketidakpastian, Buku Panduan OECD/JRC langkah 7); batang pendek "
    "berarti peringkat yang kokoh.",
    "text.robustness_summary": "Peringkat {rank} dari {n}. Dari {runs} variasi metode "
    "({choices}) peringkat berada di antara {q05} dan {q95} pada 90 % variasi (terbaik "
    "{best}, terburuk {worst}) dan tepat {rank} pada {share} % variasi.",
    "text.robustness_factor": "Pilihan yang paling menggeser peringkat: {factor}.",
    "factor.weights": "bobot pilar ±25 %",
    "factor.normalise": "normalisasi",
    "factor.aggregate": "agregasi",
    "factor.impute": "imputasi",
    "factor.drop_indicator": "satu indikator dihapus",
    "varied.normalisation": "normalisasi",
    "varied.aggregation": "agregasi",
    "varied.weights": "bobot pilar",
    "varied.imputation": "imputasi",
    "label.nominal_rank": "peringkat dengan metode laporan",
    "label.median_rank": "peringkat median",
    "label.rank_interval_90": "90 % dari {runs} variasi",
    "sec.provenance": "Asal-usul (provenans)",
    "text.provenance": "Berkas masukan (SHA-256), versi paket, metode dan parameter, serta "
    "waktu laporan ini dibuat. Siapa pun dapat memeriksa bahwa laporan berasal dari "
    "berkas-berkas tersebut.",
    "sec.other_indices": "Indeks lain",
    "msg.no_targets": "Tidak ada target masterplan untuk {region} pada {year}.",
    "msg.no_trajectory": "Tidak ada lintasan: lintasan memerlukan target untuk tahun "
    "berikutnya dan nilai minimal dua tahun.",
    "msg.no_previous": "{year} adalah tahun pertama dalam data: belum ada perubahan.",
    "msg.no_assessments": "Dataset tidak memiliki penilaian (penilaian mandiri atau nilai asesor).",
    "msg.no_self": "Tidak ada penilaian mandiri untuk {region} pada {year}.",
    "msg.no_agreement": "Tidak ada nilai asesor untuk {region} pada {year}.",
    "msg.no_missing": "Tidak ada nilai yang hilang atau diimputasi.",
    "msg.no_uncertainty": "Analisis ketidakpastian belum tersedia.",
    "msg.no_priorities": "Prioritas tidak dapat dihitung.",
    "msg.over_claiming": "Klaim berlebih: penilaian mandiri rata-rata {diff} level di atas "
    "asesor (uji tanda p = {p}).",
    "msg.no_over_claiming": "Tidak ada klaim berlebih yang sistematis (selisih rata-rata "
    "{diff} level).",
    "msg.missing_count": "{n} nilai hilang dan {m} nilai imputasi dari {total} nilai indikator.",
    "note.no_row": "tidak ada baris di observations",
    "label.region": "Daerah",
    "label.year": "Tahun",
    "label.code": "Kode",
    "label.name": "Nama",
    "label.level": "Tingkat",
    "label.pillar": "Pilar",
    "label.element": "Elemen",
    "label.indicator": "Indikator",
    "label.item": "Item",
    "label.score": "Nilai",
    "label.value": "Nilai",
    "label.target": "Target",
    "label.target_year": "Tahun target",
    "label.actual": "Capaian",
    "label.gap": "Kesenjangan",
    "label.achievement": "Capaian (%)",
    "label.band": "Kategori",
    "label.rank": "Peringkat",
    "label.status": "Status",
    "label.change": "Perubahan",
    "label.previous": "Sebelumnya",
    "label.driver_up": "Paling menaikkan",
    "label.driver_down": "Paling menurunkan",
    "label.self": "Penilaian mandiri",
    "label.verified": "Terverifikasi",
    "label.difference": "Selisih",
    "label.over_claiming": "Klaim berlebih",
    "label.kind": "Jenis",
    "label.strength": "Kekuatan",
    "label.weakness": "Kelemahan",
    "label.peer_median": "Median pembanding",
    "label.vs_median": "vs median",
    "label.compared_with": "Dibandingkan dengan",
    "label.vs_median_value": "median daerah pembanding {diff}",
    "label.vs_target": "target: tercapai {pct} %",
    "label.priority": "Prioritas",
    "label.headroom": "Ruang naik",
    "label.gain_per_level": "Tambahan per level",
    "label.max_gain": "Tambahan maksimum",
    "label.coverage": "Kelengkapan (%)",
    "label.missing": "Hilang",
    "label.imputed": "Diimputasi",
    "label.note": "Catatan",
    "label.statistic": "Statistik",
    "label.assessors": "Asesor",
    "label.items": "Item",
    "label.range": "Rentang",
    "label.mean": "Rata-rata",
    "label.role": "Peran",
    "label.file": "Berkas",
    "label.bytes": "Bita",
    "label.sha256": "SHA-256",
    "label.method": "Metode",
    "label.setting": "Pengaturan",
    "label.required_pace": "Perubahan per tahun yang diperlukan",
    "label.actual_pace": "Perubahan per tahun aktual",
    "label.projected": "Proyeksi pada tahun target",
    "label.yes": "ya",
    "label.no": "tidak",
    "label.index": "Indeks",
    "label.this_region": "daerah ini",
    "label.median": "median",
    "label.path": "jalur ke target",
    "label.pace": "laju saat ini",
    "label.unit": "Satuan",
    "label.rank_interval": "Peringkat (1 = terbaik)",
    "stat.alpha_ordinal": "Alpha Krippendorff (ordinal)",
    "stat.alpha_interval": "Alpha Krippendorff (interval)",
    "stat.icc2": "ICC(2,1) satu asesor",
    "stat.icc2k": "ICC(2,k) rata-rata asesor",
    "stat.fleiss_kappa": "Kappa Fleiss",
    "stat.exact_agreement": "Bagian item yang dinilai sama oleh semua asesor",
    "stat.n_items": "Item",
    "stat.n_assessors": "Asesor",
    "prov.inputs": "Berkas masukan",
    "prov.package": "Paket",
    "prov.created": "Dibuat pada",
    "prov.methods": "Metode dan parameter",
    "prov.fingerprint": "Sidik jari",
    "prov.python": "Python",
    "prov.steps": "Langkah-langkah evaluasi (log)",
    "label.step": "Langkah",
    "label.parameters": "Parameter",
    "label.started": "Mulai",
    "label.seconds": "Detik",
    "fig.radar": "{region} {year}: profil pilar",
    "fig.heatmap": "{region}: nilai elemen {first}–{last}",
    "fig.trajectory": "{region}: lintasan menuju target masterplan",
    "fig.self": "{region} {year}: penilaian mandiri vs asesor per pilar",
    "fig.gaps": "{region} {year}: capaian target masterplan",
    "fig.rank_intervals": "{year}: peringkat setiap daerah dengan metode yang divariasikan",
    "fig.agreement": "{region} {year}: sebaran nilai asesor per item",
    "axis.score": "Nilai ({unit})",
    "axis.year": "Tahun",
    "axis.element": "Elemen",
    "axis.pillar": "Pilar",
    "axis.achievement": "Capaian target (%)",
    "axis.rank": "Peringkat (1 = terbaik)",
    "axis.region": "Daerah",
    "axis.items": "Jumlah item",
    "axis.range": "Rentang nilai asesor (level)",
    "unit.levels": "level 1–5",
    "unit.score": "nilai {lo:g}–{hi:g}",
    "unit.zscore": "skor-z, simpangan baku",
    "plot.region": "daerah",
    "plot.peer_median": "median daerah lain",
    "plot.target": "target",
    "plot.actual": "aktual",
    "plot.path": "jalur",
    "plot.pace": "laju saat ini",
    "plot.nominal_rank": "peringkat nominal",
    "plot.median_rank": "peringkat median",
    "plot.rank_interval": "interval 5-95 %",
    "plot.first_order": "orde pertama (sendiri)",
    "plot.interactions": "interaksi",
    "plot.total_interval": "interval orde total",
    "index.title": "Laporan evaluasi smart city",
    "index.open": "buka",
    "index.failed": "gagal",
    "index.n_ok": "Laporan",
    "index.n_failed": "Gagal",
    "index.cell_shows": "Setiap sel menunjukkan",
    "index.score": "indeks",
    "index.generated": "Diperbarui",
    "summary.line": "laporan: {made} dibuat, {skipped} sudah mutakhir (dilewati), {failed} "
    "gagal dalam {seconds:.1f} detik",
    "summary.index": "halaman indeks",
    "summary.progress": "laporan",
    "summary.no_pdf": "PDF dilewati: Chromium headless tidak ditemukan (pasang chromium, mis. "
    "apt-get install chromium); halaman HTML sudah ditulis",
    "summary.worker_died": "proses pekerja berhenti saat membuat laporan ini",
    "repro.title": "Reproduksi hasil yang diterbitkan",
    "repro.summary": "Ringkasan",
    "repro.agreement": "Kesepakatan asesor per daerah",
    "repro.items": "Item dengan perbedaan penilaian asesor terbesar",
    # --- analysis layer (engineer B): vocabulary display names, gaps text view, selection
    "band.achieved": "tercapai",
    "band.near": "mendekati",
    "band.midway": "separuh jalan",
    "band.far": "jauh",
    "status.on track": "sesuai jalur",
    "status.at risk": "berisiko",
    "status.off track": "tertinggal",
    "status.insufficient data": "data tidak cukup",
    "gaps.title.targets": "Kesenjangan terhadap target (gap > 0: belum mencapai target; pita "
    "U4SSC % capaian)",
    "gaps.title.trajectory": "Lintasan menuju target masterplan (laju linear sejak tahun dasar)",
    "gaps.title.change": "Perubahan sejak evaluasi sebelumnya (tingkat improvement) dan "
    "pendorongnya",
    "gaps.title.drivers": "Kontribusi setiap komponen terhadap perubahan induknya",
    "gaps.title.peers": "Posisi di antara daerah pembanding (jarak ke terbaik, median dan "
    "peringkat di atasnya)",
    "gaps.title.strengths": "Kekuatan dan kelemahan (menurut peringkat antardaerah dan capaian "
    "target)",
    "gaps.title.self": "Penilaian mandiri vs nilai terverifikasi (selisih > 0: penilaian "
    "mandiri lebih tinggi)",
    "gaps.title.priorities": "Prioritas: item yang paling menaikkan indeks per kenaikan satu level",
    "gaps.no_rows": "(tidak ada baris)",
    "gaps.hidden": "({n} baris lebih dalam tidak ditampilkan: pakai --depth atau --out)",
    "selection.unknown_region": "daerah '{value}' tidak dikenal",
    "selection.unknown_year": "tahun '{value}' tidak dikenal",
    "selection.years": "gunakan salah satu dari {years}",
    "repro.line.none": "reproduce: dataset tidak punya nilai terbitan",
    "repro.line.not_computable": "; {n} tidak dapat dihitung (lihat kolom note)",
    "repro.line.mismatch": "reproduce: {bad} dari {n} nilai terbitan tidak cocok (selisih "
    "terbesar {size} pada {where})",
    "repro.line.all": "reproduce: semua {n} nilai terbitan cocok",
    "repro.line.some": "reproduce: {good} dari {n} nilai terbitan cocok",
    "repro.consensus.none": "reproduce: tidak ada butir yang punya observasi dan nilai penilai",
    "repro.consensus.equal": "reproduce: observasi sama dengan konsensus penilai ({method}) "
    "untuk semua {n} butir yang dinilai penilai",
    "repro.consensus.differ": "reproduce: observasi berbeda dari konsensus penilai ({method}) "
    "pada {bad} dari {n} butir yang dinilai penilai",
    # --- end of the analysis layer's keys
    # figures of the uncertainty and sensitivity analyses
    "uncert.ranks.title": "Seberapa kokoh setiap peringkat? {code}, {year}",
    "uncert.ranks.x": "peringkat (1 = terbaik)",
    "uncert.ranks.y": "wilayah",
    "uncert.ranks.nominal": "peringkat nominal",
    "uncert.ranks.median": "peringkat median",
    "uncert.ranks.interval": "5-95 % dari {n} replikasi",
    "uncert.sens.title": "Pilihan mana yang paling menggeser peringkat? {code}, {year}",
    "uncert.sens.x": "porsi varians rata-rata pergeseran peringkat absolut (0-1)",
    "uncert.sens.y": "pilihan",
    "uncert.sens.first": "orde pertama (pilihan itu sendiri)",
    "uncert.sens.inter": "interaksi dengan pilihan lain",
    "uncert.sens.interval": "interval orde total",
    "uncert.factor.weights": "bobot",
    "uncert.factor.normalise": "normalisasi",
    "uncert.factor.aggregate": "agregasi",
    "uncert.factor.impute": "imputasi",
    "uncert.factor.drop_indicator": "satu indikator dihapus",
}

#: Every string by language.
LABELS: dict[str, dict[str, str]] = {"en": EN, "id": ID}


def lang_or_default(lang: str | None, default: str = "en") -> str:
    """``lang`` when it is a known language, else ``default``."""
    return lang if lang in LABELS else default


def t(key: str, lang: str | None = "en", /, **values: object) -> str:
    """The text of ``key`` in ``lang`` (``"id"`` or ``"en"``), with ``values`` filled in.

    Falls back to English when the key has no translation, and to the key itself when it is
    unknown (a visible mistake rather than an exception in the middle of a report).

    >>> t("headline.rank", "id", rank=2, n=10)
    'peringkat 2 dari 10 daerah'
    """
    table = LABELS.get(lang or "en", EN)
    text = table.get(key, EN.get(key, key))
    return text.format(**values) if values else text
