# Returns what the first term names: a dict, numbers, a vars-derived value,
# or raises the exception a plugin may raise.
from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        what = terms[0]
        if what == 'dict':
            return {'one': 1, 'two': 2}
        if what == 'chars':
            return 'abc'
        if what == 'numbers':
            return [1, 2, 3]
        if what == 'one_number':
            return [42]
        if what == 'templated':
            return [self._templar.template(variables['greeting_template'])]
        if what == 'lookup_error':
            raise AnsibleLookupError('the lookup failed on purpose')
        if what == 'ansible_error':
            raise AnsibleError('an AnsibleError on purpose')
        if what == 'key_error':
            return [{}['missing']]
        return []
