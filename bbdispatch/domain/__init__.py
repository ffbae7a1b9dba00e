"""Domain types: dataclasses and enums with their rules, no I/O.

Import from the submodules (``bbdispatch.domain.jobs`` and so on); this
package has no re-exports so that each area can grow on its own.
"""
