"""An import-linter contract: outside a domain, only its face (`<domain>/__init__.py`) is
imported. The domains are the packages `tonearm.domains` imports, so a new domain is covered
by the one line that registers it, with nothing to add here or in pyproject.toml."""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class FacesContract(Contract):
    type_name = "faces"

    registry = fields.StringField()  # the module that lists the domains: tonearm.domains

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        registry = str(self.registry)
        root = registry.split(".")[0]
        domains = sorted(
            m
            for m in graph.find_modules_directly_imported_by(registry)
            if m.count(".") == 1 and m.startswith(root + ".") and graph.find_children(m)
        )
        violations: list[tuple[str, str, list[int]]] = []
        for domain in domains:
            for inner in sorted(graph.find_descendants(domain)):
                for importer in sorted(graph.find_modules_that_directly_import(inner)):
                    if importer == domain or importer.startswith(domain + "."):
                        continue
                    details = graph.get_import_details(importer=importer, imported=inner)
                    violations.append((importer, inner, [d["line_number"] for d in details]))
        return ContractCheck(
            kept=not violations, metadata={"domains": domains, "violations": violations}
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["violations"]:
            where = ", ".join(f"l.{n}" for n in lines)
            output.print_error(f"{importer} imports {imported} ({where}): use its face")
            output.new_line()
