"""The one quality scale shared by the rubric, the feedback chips and the spiral."""

from seci_lab.model.quality_scale import ADEQUATE, STRONG, Band, band


def test_bands_split_the_unit_interval_at_the_named_thresholds():
    assert 0 < ADEQUATE < STRONG < 1
    assert band(None) is None
    assert band(0.0) is Band.NOT_YET
    assert band(ADEQUATE - 0.01) is Band.NOT_YET
    assert band(ADEQUATE) is Band.ADEQUATE
    assert band(STRONG - 0.01) is Band.ADEQUATE
    assert band(STRONG) is Band.STRONG
    assert band(1.0) is Band.STRONG
