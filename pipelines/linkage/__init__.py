"""Identity resolution: person records from every source resolved into children with
persistent pseudonymous keys (`link`, `link_file`); configured in `linkage.yml`."""

from pipelines.linkage.config import LinkageConfig, load_config
from pipelines.linkage.engine import LinkResult, link
from pipelines.linkage.files import LinkReport, link_file

__all__ = ["LinkReport", "LinkResult", "LinkageConfig", "link", "link_file", "load_config"]
