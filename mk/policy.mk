# policy: `make policy-check` validates every pack in policy/ and, when the seed documents are
# beside the repository (../shared/seeds) or SEEDS=DIR is given, verifies every quote verbatim.
SEEDS ?= $(wildcard ../shared/seeds)
.PHONY: policy-check
policy-check: $(BUILD)/hss
	@for p in policy/*.yaml; do $(BUILD)/hss policy check $$p $(if $(SEEDS),--seeds $(SEEDS)) || exit 1; done
