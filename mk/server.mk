# mk/server.mk: the dashboard build. `make web` bundles web/ with esbuild (from npm) into
# web/dist, which `hss serve` serves. web/dist is not committed: `make` and `make test` build it
# when the sources change (npm ci first when node_modules lacks the tools).
WEB_SRC := $(wildcard web/src/*) web/index.html web/build.mjs package.json

.PHONY: web
all: web/dist/index.html
test: web/dist/index.html
web: web/dist/index.html

web/dist/index.html: $(WEB_SRC)
	@[ -d node_modules/esbuild ] && [ -d node_modules/echarts ] || npm ci --no-audit --no-fund
	node web/build.mjs
