from ketenpartner_standin.domain import wachttijd


class TestWachttijd:
    def test_doubles_from_the_base(self) -> None:
        assert [wachttijd(n, basis=1.0, maximum=100.0) for n in range(5)] == [0.0, 1.0, 2.0, 4.0, 8.0]

    def test_never_beyond_the_maximum(self) -> None:
        assert wachttijd(10_000, basis=1.0, maximum=300.0) == 300.0
