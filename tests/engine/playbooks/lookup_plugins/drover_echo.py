# A lookup plugin of the playbook's own (tests: drover runs it with the
# controller's Python, as ansible-playbook does).
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        suffix = kwargs.get('suffix', '')
        return ['%s%s' % (t, suffix) for t in terms]
