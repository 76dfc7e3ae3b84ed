"""eark-validator (the E-ARK reference validator), run without internet.

When eark-validator 1.1.3 is imported it reads four DILCIS vocabularies from
https://earkcsip.dilcis.eu/schema/ with urlopen. The same files ship inside the validator
(eark_validator/ipxml/resources/vocabs/), and this machine reaches no internet beyond the package
registries, so a urllib handler answers exactly those addresses from the validator's own copies.
Everything else about the validator — its schemas, its Schematron rules, its checks of structure
and checksums — runs unchanged.
"""
from __future__ import annotations

import email.message
import importlib.util
import urllib.request
import urllib.response
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

VOCABULARY_HOST = "earkcsip.dilcis.eu"


def _vocabularies() -> Path:
    spec = importlib.util.find_spec("eark_validator")
    assert spec is not None and spec.submodule_search_locations, "eark-validator is not installed"
    return Path(list(spec.submodule_search_locations)[0]) / "ipxml" / "resources" / "vocabs"


class _BundledVocabularies(urllib.request.BaseHandler):
    """Serves https://earkcsip.dilcis.eu/schema/<name>.xml from the validator's package."""

    handler_order = 100  # before the real HTTPS handler

    def https_open(self, request: urllib.request.Request) -> Any:
        if request.host != VOCABULARY_HOST:
            return None  # not ours: the next handler decides
        name = request.selector.rsplit("/", 1)[-1]
        path = _vocabularies() / name
        if not path.is_file():
            raise urllib.error.URLError(f"{name} is not among eark-validator's bundled vocabularies")
        headers = email.message.Message()
        headers["Content-Type"] = "application/xml"
        response = urllib.response.addinfourl(path.open("rb"), headers, request.full_url, 200)
        response.msg = "OK"  # read by urllib's error processor
        return response


urllib.request.install_opener(urllib.request.build_opener(_BundledVocabularies))

from eark_validator.model.validation_report import Severity  # noqa: E402  (needs the opener)
from eark_validator.packages import PackageValidator  # noqa: E402

# eark-validator 1.1.3's rule SIP14 matches the note of *every* CREATOR agent and asks it for a NOTETYPE
# attribute without namespace. E-ARK SIP 2.1 means the archival creator's note and csip:NOTETYPE; the
# software agent that CSIP10-16 make mandatory is also a CREATOR whose note must carry
# csip:NOTETYPE="SOFTWARE VERSION", and METS allows no plain NOTETYPE. So no package that meets CSIP16
# and the METS schema can meet the validator's SIP14; test_registry shows both sides of that.
SOFTWARE_AGENT_NOTE = "/mets:mets/mets:metsHdr/mets:agent[@ROLE = 'CREATOR']/mets:note"
# Its rule CSIP63 asks every file group of the root METS for CONTENTINFORMATIONTYPE="OTHER" and an
# OTHERCONTENTINFORMATIONTYPE (the second half of its test can never hold), where E-ARK CSIP 2.1 only
# asks a group whose type *is* OTHER to name it. A case package's groups carry the vocabulary's own
# term, citserms_v2_1; check() sets CSIP63 aside when every group meets the rule as the specification
# states it, read from the package itself. test_erms shows both sides.
CSIP = "{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}"


def meets_csip63(package: Path) -> bool:
    """CSIP63 as E-ARK CSIP 2.1 states it: a root file group whose content type is OTHER names its own."""
    with zipfile.ZipFile(package) as archive:
        [root] = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith("/METS.xml")]
        mets = etree.fromstring(archive.read(root))
    return all(group.get(f"{CSIP}CONTENTINFORMATIONTYPE") != "OTHER" or group.get(f"{CSIP}OTHERCONTENTINFORMATIONTYPE")
               for group in mets.iterfind("{http://www.loc.gov/METS/}fileSec/{http://www.loc.gov/METS/}fileGrp"))


def _messages(package: Path) -> list[tuple[Severity, str, str, str]]:
    """(severity, rule, location, message) of everything eark-validator reports (E-ARK CSIP/SIP 2.1)."""
    result = PackageValidator(package).validation_report
    groups = [result.structure.messages]
    if result.metadata is None:  # the structure failed, and nothing else was looked at
        return [(m.severity, m.rule_id or "", m.location or "", m.message) for m in groups[0]] + [
            (Severity.ERROR, "structure", "", str(result.structure.status))]
    groups += [result.metadata.schema_results.messages, result.metadata.schematron_results.messages]
    return [(m.severity, m.rule_id or "", m.location or "", m.message) for group in groups for m in group]


def report(package: Path) -> list[tuple[str, str, str]]:
    """(rule, location, message) of every error eark-validator finds in a package."""
    return [(rule, where, message) for severity, rule, where, message in _messages(package)
            if severity == Severity.ERROR]


def validator_defect(rule: str, location: str) -> bool:
    return rule == "SIP14" and location.startswith(SOFTWARE_AGENT_NOTE)


def check(package: Path) -> tuple[list[str], list[str]]:
    """From one run of eark-validator: the errors, but for its SIP14 defect on the software agent's
    note and its CSIP63 defect where the package meets CSIP63 as specified, and the warnings (the
    SHOULD rules of the specifications)."""
    found = _messages(package)
    csip63 = meets_csip63(package)
    errors = [f"{rule} at {where}: {message}" for severity, rule, where, message in found
              if severity == Severity.ERROR and not validator_defect(rule, where) and not (rule == "CSIP63" and csip63)]
    warnings = [f"{rule}: {message}" for severity, rule, _, message in found if severity == Severity.WARNING]
    return errors, warnings
