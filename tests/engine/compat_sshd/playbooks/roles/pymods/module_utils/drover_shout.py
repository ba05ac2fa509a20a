# A role's own module_utils for drover's suite: imported as
# ansible.module_utils.drover_shout.


def shout(text):
    return text.upper() + '!'
