# mk/surveil.mk: `make reference` regenerates the surveil reference outputs with R's
# `surveillance` package (apt: r-base-core r-cran-surveillance). Not needed by `make test`.
reference:
	Rscript tests/data/surveil/make_reference.R tests/data/surveil
