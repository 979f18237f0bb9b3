"""The one error family: every error this project raises on purpose, each a sentence a user can act on.

Commands catch `NoticeSearchError` and print its message, so a failure a user
can fix never reaches them as a traceback; anything else is a bug. The
subclasses say which part of the work failed, and so how far it reaches:

* `ConfigError`: a setting or a file people edit (taxonomy, dictionaries,
  synonyms) cannot be used. Checked once before a command starts
  (`indexer.config.check`); it stops the command, because every notice would
  come out wrong.
* `NoticeError`: one file cannot be read as a notice. It costs that file only;
  `ToolMissing` says so when what is missing is a program to read its kind.
* `BuildError`, `IndexBusy`: a rebuild or update could not finish, or could not
  start; the live index is untouched.
* `IndexUnavailable`: there is no index to search, or it is damaged.
* `QueryError`: a search request cannot be answered as asked (a 400).
"""


class NoticeSearchError(Exception):
    """Base of every error this project raises on purpose; str() is a sentence for the user."""


class ConfigError(NoticeSearchError):
    """A setting or a people-edited file cannot be used; the message names it (and the line) and the fix."""


class SettingError(ConfigError):
    """A setting has a value that cannot be used; the message names the variable."""


class TaxonomyError(ConfigError):
    """The taxonomy file cannot be used; the message names the file, the line and the fix."""


class UserDictError(ConfigError):
    """The jieba user dictionary has a line jieba cannot use; the message names it."""


class NoticeError(NoticeSearchError):
    """A file could not be turned into a notice. str() names the file and the reason."""

    def __init__(self, path, reason):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ToolMissing(NoticeError):
    """A file of a kind that needs a program (OCR, a Word 97 converter) that is not installed here."""


class BuildError(NoticeSearchError):
    """The new index could not be built; the live index is untouched."""


class WorkerFailed(BuildError):
    """A worker process of a rebuild stopped or raised; the message says how."""


class ArraysError(NoticeSearchError):
    """A segment's side-car arrays are missing or do not fit its Whoosh segment."""


class IndexBusy(NoticeSearchError):
    """Another rebuild or update holds the index folder's lock; the message names its process."""


class IndexUnavailable(NoticeSearchError):
    """The index folder is missing, foreign or damaged; the message says which and what to do."""


class QueryError(NoticeSearchError):
    """The request cannot be answered as asked; the message tells the user what to change."""


class NotOffered(NoticeSearchError):
    """The backend in use does not offer this feature; the message says which backend does (a 501)."""


class NodeUnavailable(IndexUnavailable):
    """A search node of a cluster does not answer; the message names it and is meant for users too (a 503)."""

    def __init__(self, node, shard, reason):
        self.node, self.shard, self.reason = node, shard, reason
        super().__init__(f"检索节点 {node}（第 {shard + 1} 个分片）无法应答（{reason}），结果会不完整，所以暂不作答；"
                         "请稍后重试，或请管理员启动该节点。")
