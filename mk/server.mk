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

# `make serve`: the Lishui demo region (built by `hss demo` when lishui.db is missing), a demo
# planner login for the whole city, and the dashboard on http://127.0.0.1:8080/.
DEMO_LOGIN ?= demo
DEMO_PASSWORD ?= lishui-demo-2025
.PHONY: serve
serve: $(BUILD)/hss web/dist/index.html
	[ -f lishui.db ] || $(BUILD)/hss demo lishui --db lishui.db
	printf '%s\n' '$(DEMO_PASSWORD)' | $(BUILD)/hss user add $(DEMO_LOGIN) --role planner --scope 331100 --password-stdin --db lishui.db
	@echo "demo login: $(DEMO_LOGIN) / $(DEMO_PASSWORD) (planner, 丽水市: counts only)"
	$(BUILD)/hss care demo-logins --db lishui.db
	$(BUILD)/hss serve --db lishui.db
