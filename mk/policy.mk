# policy: `make policy-check` validates every pack in policy/ and, against the seed documents'
# copy in tests/data/seeds (or SEEDS=DIR), verifies every quote verbatim.
SEEDS ?= tests/data/seeds
.PHONY: policy-check
policy-check: $(BUILD)/hss
	@for p in policy/*.yaml; do $(BUILD)/hss policy check $$p $(if $(SEEDS),--seeds $(SEEDS)) || exit 1; done
