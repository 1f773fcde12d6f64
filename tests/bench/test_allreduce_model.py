"""bench/allreduce_model.py's formulas against values worked by hand, and its inputs' checks."""
import pytest

from bench import allreduce_model as model


def test_ring_allreduce_matches_hand_computed_values():
    # p = 8, n = 1 MB, alpha = 30 µs, beta = 0.8 ns/B: 14·30 µs + 2·7/8·1e6·0.8e-9 s = 420 µs + 1400 µs.
    assert model.ring_allreduce_s(8, 1e6, 30e-6, 0.8e-9) == pytest.approx(1.82e-3)
    # p = 2 is one exchange each way: 2·alpha + n·beta.
    assert model.ring_allreduce_s(2, 4000, 5e-6, 1e-9) == pytest.approx(10e-6 + 4e-6)
    assert model.ring_allreduce_s(1, 1e9, 1.0, 1.0) == 0


def test_rabenseifner_counts_log2_p_message_pairs():
    # p = 512: 2·9 messages of alpha = 30 µs, and the ring's bytes: 2·511/512·41,724·0.8 ns.
    expected = 18 * 30e-6 + 2 * 511 / 512 * 41_724 * 0.8e-9
    assert model.rabenseifner_allreduce_s(512, 41_724, 30e-6, 0.8e-9) == pytest.approx(expected)
    assert expected == pytest.approx(0.6066e-3, rel=1e-3)
    with pytest.raises(ValueError, match="p=6"):
        model.rabenseifner_allreduce_s(6, 1, 1, 1)


def test_weak_and_strong_scaling_by_hand():
    # 4 ms of compute, 1 ms of Allreduce: weak step 5 ms, 20% communication, 80% efficient.
    assert model.weak_scaling(4e-3, 1e-3) == pytest.approx((5e-3, 0.2, 0.8))
    # Strong, p = 4: 1 ms of compute per worker + 1 ms: step 2 ms, half of it communication.
    assert model.strong_scaling(4e-3, 1e-3, 4) == pytest.approx((2e-3, 0.5, 0.5))


def test_rows_leave_out_strong_scaling_beyond_one_row_per_worker():
    load = model.Workload("tiny", parameters=10, batch=32, step_s=1e-3)
    net = model.Network("n", 1e-6, 1e-9)
    table = model.rows([load], [net], [8, 64])
    assert [row["p"] for row in table] == [8, 64]
    assert table[0]["strong"] is not None and table[1]["strong"] is None
    assert table[0]["allreduce_s"] == pytest.approx(14e-6 + 2 * 7 / 8 * 40e-9)


def test_default_workloads_have_the_keras_models_parameter_counts():
    # W1: 400·25+25 + 25·15+15 + 15+1; W2: 784·512+512 + 512·256+256 + 256·10+10;
    # W4: 3·3·1·32+32 + 3·3·32·64+64 + 5·5·64·10+10.
    loads, networks = model.inputs(model.parse_args([]))
    assert [w.parameters for w in loads] == [10_431, 535_818, 34_826]
    assert loads[0].gradient_bytes == 41_724
    assert [n.beta_s_per_byte for n in networks] == pytest.approx([0.8e-9, 0.08e-9])
    assert [n.alpha_s for n in networks] == pytest.approx([30e-6, 3e-6])


def test_markdown_has_a_line_per_row():
    loads, networks = model.inputs(model.parse_args([]))
    text = model.markdown(model.rows(loads, networks, [8, 64, 512]))
    assert len(text.splitlines()) == 2 + 3 * 2 * 3


@pytest.mark.parametrize("argv, needle", [(["--w2-ms", "0"], "--w2-ms"), (["--workers", "8,x"], "8,x"),
                                          (["--workers", "0"], "at least 1")])
def test_bad_arguments_are_named(argv, needle, capsys):
    with pytest.raises(SystemExit):
        model.parse_args(argv)
    assert needle in capsys.readouterr().err
