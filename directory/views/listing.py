def directory_index(request):
    raise NotImplementedError
