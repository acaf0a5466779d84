"""Small hand-made registers on the bad-input base dataset (tests of issue 13).

Framework (tests/bad_inputs/_base): IDX = mean of GOV (GOV.01, GOV.02 weight 1 each) and
ECO (ECO.01 weight 2, ECO.02 weight 1). Effective weights: GOV.01 = GOV.02 = 1/4,
ECO.01 = 1/3, ECO.02 = 1/6.
"""

from __future__ import annotations

from pathlib import Path

KT = "Kabupaten Kutai Timur"
PROGRAMMES = f"""region,code,name,name_id,element,department,start,end,quick_win,budget
{KT},P1,Satu Data portal,Portal Satu Data,GOV.02,Diskominfo Staper,2022,2024,ya,100
{KT},P2,E-office,E-office,GOV.01,Diskominfo Staper,2022,2023,tidak,
{KT},P3,Public service mall,Mal pelayanan publik,GOV.01,DPMPTSP,2023,2027,,
{KT},P4,Madu kelulut branding,Branding madu kelulut,ECO.01,Dinas Koperasi dan UKM,2022,2026,yes,
{KT},P5,PBB online,PBB daring,ECO.02,Bapenda,2023,2025,no,
{KT},P6,Digital market,Pasar digital,ECO.01,Dinas Koperasi dan UKM,2026,2027,no,
Kota Samarinda,S1,Smart parking,Parkir cerdas,GOV.01,Dishub,2023,2025,no,
"""
# P2 done in 2023; P3 ongoing; P4 dropped in 2024 (mid-masterplan); P5 never started;
# P6 starts after 2024 (not due); P1 ongoing 2023, done 2024.
STATUS = f"""region,year,programme,status,note
{KT},2023,P1,berjalan,
{KT},2023,P2,selesai,
{KT},2023,P3,ongoing,
{KT},2023,P4,berjalan,
{KT},2024,P1,done,
{KT},2024,P4,dibatalkan,budget cut
Kota Samarinda,2024,S1,ongoing,
"""
OWNERS = f"""region,code,department
{KT},ECO.02,Bapenda
{KT},GOV.02,Diskominfo Staper
"""
EVIDENCE = f"""region,year,code,document,kind,status,department,due
{KT},2024,P1,Perbup Satu Data,peraturan,tersedia,,
{KT},2024,P1,Data inventory,application inventory,belum ada,,2024-10-20
{KT},2024,P4,Decree on madu kelulut,regulation,missing,,2024-10-01
{KT},2024,ECO.02,PBB survey,survei,kedaluwarsa,,2024-09-01
{KT},2024,GOV.01,SOP public services,regulation,missing,,
{KT},2024,GOV.01,Budget DPA,budget,available,DPMPTSP,
{KT},2024,P3,Service report,laporan,available,,
"""


def make(tmp: Path, **changes: str) -> Path:
    """The base dataset with the registers (``programmes=...`` etc. replace a table's text;
    an empty string leaves the table out)."""
    folder = _copy(tmp / "ds")
    texts = {
        "programmes": PROGRAMMES,
        "programme_status": STATUS,
        "owners": OWNERS,
        "evidence": EVIDENCE,
        **changes,
    }
    for table, text in texts.items():
        if text:
            (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    return folder


def _copy(dest: Path) -> Path:
    import shutil

    from tests.bad_inputs.build import BASE

    shutil.copytree(BASE, dest)
    return dest
