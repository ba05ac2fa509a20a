# A filter drover does not implement natively (its load-time error names it).


def shout(value):
    return str(value).upper() + '!'


class FilterModule(object):
    def filters(self):
        return {'shout': shout}
