import subprocess

from tests.cli import ENTREPOT
from tests.cli import cli_env as _env


def test_positive_list_import_loads_an_edition(tmp_path):
    csv = tmp_path / "list.csv"
    csv.write_text(
        "tariff_number,description_zh,description_en,bonded_only,yearly_weight_cap_kg,note\n"
        "3304.9900,其他美容品,other beauty preparations,否,,\n"
        "17019910,白砂糖,white sugar,否,2,\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [*ENTREPOT, "positive-list", "import", str(csv), "--edition", "2022-03-01"],
        env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "imported 2 tariff lines as the edition in force from 2022-03-01" in result.stdout


def test_positive_list_import_refuses_a_bad_file_with_the_line(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("tariff_number,description_zh\n3304,化妆品\n", encoding="utf-8")
    result = subprocess.run(
        [*ENTREPOT, "positive-list", "import", str(csv), "--edition", "2022-03-01"],
        env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "line 2" in result.stderr and "8 digits" in result.stderr
