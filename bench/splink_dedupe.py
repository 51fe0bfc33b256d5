"""Splink 4 (DuckDB backend) on the linkage benchmark's lists, configured as a competent user would.

    python bench/splink_dedupe.py PERSONS.csv TRUTH.csv RESULT.json [THREADS]

Preprocessing: names transliterated to ASCII with unidecode and lower-cased (Splink has no
Cyrillic handling of its own); partial dates split into full date, year-month and year; an age
turned into an approximate birth year (lists are of 2025). Model: names by Splink's
NameComparison (exact, Jaro-Winkler 0.92/0.88/0.70), patronymic by Jaro-Winkler, birth date by
exact date / year-month / year / year within one, sex and residence exact (residence with term
frequencies), surname and given name with term-frequency adjustments. Training: the random-match
probability from deterministic rules, u by random sampling, m by EM on two blocking rules.
Prediction on four blocking rules, then clustering at thresholds from 0.02 to 0.999; the best
pairwise F1 against the truth is reported (an advantage no real user has).

Time covers reading the CSV, preprocessing, training, prediction and one clustering (at the best
threshold); peak memory is the process's maximum resident set size (Python and DuckDB).
"""

import json
import re
import resource
import sys
import time

import duckdb
import pandas as pd
from unidecode import unidecode

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

REFERENCE_YEAR = 2025


def clean_name(value):
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"[^a-z ]", "", unidecode(value).lower()).strip()
    return text or None


def parse_date(value):
    """(full YYYY-MM-DD, YYYY-MM, year) of a partial date, any of them None."""
    if not isinstance(value, str):
        return None, None, None
    value = value.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
    else:
        m = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", value)
        if not m:
            return None, None, None
        d, mo, y = m.group(1), m.group(2), m.group(3)
    year = int(y)
    if not 1850 <= year <= 2100:
        return None, None, None
    month = int(mo) if mo and 1 <= int(mo) <= 12 else None
    day = int(d) if d and month and 1 <= int(d) <= 31 else None
    full = f"{year:04d}-{month:02d}-{day:02d}" if day else None
    ym = f"{year:04d}-{month:02d}" if month else None
    return full, ym, year


def pairwise(clusters, truth):
    entity = dict(zip(truth["record_id"], truth["entity_id"]))
    c = clusters.assign(entity=clusters["record_id"].map(entity))
    pairs = lambda n: n * (n - 1) // 2
    predicted = pairs(c.groupby("cluster_id").size()).sum()
    actual = pairs(c.groupby("entity").size()).sum()
    correct = pairs(c.groupby(["cluster_id", "entity"]).size()).sum()
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def main():
    persons_path, truth_path, result_path = sys.argv[1:4]
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    start = time.perf_counter()
    df = pd.read_csv(persons_path, dtype=str, keep_default_na=False)
    for column in ["given_name", "family_name", "patronymic", "residence"]:
        df[column + "_n"] = df[column].map(clean_name)
    dates = df["birth_date"].map(parse_date)
    df["birth_full"] = dates.map(lambda t: t[0])
    df["birth_ym"] = dates.map(lambda t: t[1])
    ages = pd.to_numeric(df["age"], errors="coerce")
    years = dates.map(lambda t: t[2]).astype("Float64")
    df["birth_year"] = years.fillna(REFERENCE_YEAR - ages).astype("Int64").astype(str).replace("<NA>", None)
    df["sex_n"] = df["sex"].str.strip().str.lower().map(lambda s: {"m": "m", "f": "f", "ч": "m", "ж": "f"}.get(s))
    df = df[["record_id", "given_name_n", "family_name_n", "patronymic_n", "residence_n",
             "birth_full", "birth_ym", "birth_year", "sex_n"]]

    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_full"),
            cll.ExactMatchLevel("birth_ym"),
            cll.ExactMatchLevel("birth_year"),
            cll.CustomLevel(
                "abs(try_cast(birth_year_l as integer) - try_cast(birth_year_r as integer)) <= 1",
                label_for_charts="year within one",
            ),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        blocking_rules_to_generate_predictions=[
            block_on("family_name_n", "birth_year"),
            block_on("given_name_n", "family_name_n"),
            block_on("birth_full"),
            block_on("substr(family_name_n, 1, 3)", "given_name_n", "birth_year"),
        ],
        comparisons=[
            cl.NameComparison("given_name_n").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name_n").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("patronymic_n", [0.92, 0.8]),
            birth,
            cl.ExactMatch("sex_n"),
            cl.ExactMatch("residence_n").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    con = duckdb.connect()
    con.execute(f"SET threads TO {threads}")
    linker = Linker(df, settings, db_api=DuckDBAPI(connection=con))
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name_n", "family_name_n", "birth_full")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family_name_n", "birth_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_full"))
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    trained = time.perf_counter() - start

    truth = pd.read_csv(truth_path, dtype=str)
    results = []
    for threshold in [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999]:
        t0 = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()[["record_id", "cluster_id"]]
        took = time.perf_counter() - t0
        precision, recall, f1 = pairwise(clusters, truth)
        results.append({"threshold": threshold, "precision": precision, "recall": recall, "f1": f1,
                        "cluster_seconds": took, "clusters": int(clusters["cluster_id"].nunique())})
        print(f"splink threshold {threshold}: precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}",
              file=sys.stderr)
    best = max(results, key=lambda r: r["f1"])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "records": len(df),
        "precision": best["precision"],
        "recall": best["recall"],
        "f1": best["f1"],
        "threshold": best["threshold"],
        "seconds": trained + best["cluster_seconds"],
        "peak_mib": peak_mib,
        "clusters": best["clusters"],
        "sweep": results,
    }
    with open(result_path, "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
