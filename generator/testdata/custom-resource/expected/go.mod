module example.org/golden

go 1.24
